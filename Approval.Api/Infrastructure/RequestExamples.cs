using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Approval.Api.Infrastructure;

/// <summary>Puts a worked example on the request bodies that kiosk vendors integrate against.</summary>
public sealed class RequestExamples : IOperationFilter
{
    private static readonly Dictionary<string, string> Examples = new()
    {
        ["AssessBundle"] = """
            { "asOf": "2026-11-22",
              "facts": { "applicant": { "idNumber": "371581198005010133", "name": "张三", "phone": "13800138000", "hukouRegion": "371581" },
                         "disability": { "hasCertificate": false, "category": "physical", "needsLongTermCare": true },
                         "household": { "dibao": true }, "pension": { "enrolled": true, "receiving": false },
                         "evidence": { "identityVerified": true } } }
            """,
        ["ImportSharedData"] = """
            [ { "subject": "371581198005010133", "validFrom": "2026-01-01", "validTo": null, "attributes": { "status": "dibao" } } ]
            """,
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId is not { } id || !Examples.TryGetValue(id, out var example)) return;
        if (operation.RequestBody?.Content is not { } content || !content.TryGetValue("application/json", out var media)) return;
        media.Example = JsonNode.Parse(example);
    }
}
