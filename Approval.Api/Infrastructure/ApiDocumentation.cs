using Microsoft.OpenApi;

namespace Approval.Api.Infrastructure;

public static class ApiDocumentation
{
    public const string BearerScheme = "Bearer";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "ApprovalService — 一件事 integrated approval",
                Version = "v1",
                Description = "Apply once for a bundle of items (一件事) at any channel: catalogue, assessment (一次告知), " +
                              "applications, department tasks and the combined result. Errors are RFC 9457 problem details; " +
                              "validation errors are keyed by JSON path (e.g. `facts.applicant.idNumber`). Any operation may answer " +
                              "503 `database-busy` with `Retry-After` (seconds) when the database could not serve it in time; retry then.",
            });
            o.OperationFilter<RequestExamples>();
            o.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token from `dotnet Approval.Api.dll token --role <role> [--department <code>]` (stand-alone) " +
                              "or from the identity platform named by Auth:Authority; paste it without the word Bearer.",
            });
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
            var xml = Path.Combine(AppContext.BaseDirectory, "Approval.Api.xml");
            if (File.Exists(xml)) o.IncludeXmlComments(xml);
        });
        return services;
    }

    public static WebApplication UseApiDocumentation(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/swagger/v1/swagger.json", "ApprovalService v1");
            o.DocumentTitle = "ApprovalService API";
        });
        return app;
    }
}
