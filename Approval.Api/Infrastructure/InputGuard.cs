using Approval.Api.Applications;
using Microsoft.AspNetCore.Http.Features;

namespace Approval.Api.Infrastructure;

/// <summary>Configuration section <c>RequestLimits</c>: the largest request body by kind of endpoint, in bytes.</summary>
public sealed class RequestLimitOptions
{
    /// <summary>JSON bodies (assessments, submissions, decisions, …): 64 KiB.</summary>
    public long JsonBytes { get; set; } = 64 * 1024;

    /// <summary>Shared-data imports (JSON or CSV): 16 MiB.</summary>
    public long ImportBytes { get; set; } = 16 * 1024 * 1024;
}

/// <summary>Which body limit an endpoint has; endpoints without one get <see cref="RequestLimitOptions.JsonBytes"/>.</summary>
public sealed record BodyLimit(string Kind)
{
    public static readonly BodyLimit Import = new("import");

    /// <summary><c>Materials:MaxBytes</c> plus 64 KiB for the multipart framing.</summary>
    public static readonly BodyLimit Upload = new("upload");
}

/// <summary>
/// Checks every request before its endpoint runs: the body may not exceed the endpoint's limit (→ 413, also while it is being
/// read, whatever Content-Length claimed), and no query value, route value or stored header may hold a NUL character or a lone
/// surrogate (→ 400 naming the parameter). JSON bodies are checked where they are parsed (<see cref="RequestBody"/>).
/// </summary>
public static class InputGuard
{
    public const long UploadFraming = 64 * 1024;

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, BodyLimit limit) where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(limit);

    public static WebApplication UseInputGuard(this WebApplication app)
    {
        var limits = app.Configuration.GetSection("RequestLimits").Get<RequestLimitOptions>() ?? new RequestLimitOptions();
        var materials = app.Services.GetRequiredService<MaterialOptions>();
        app.Use(async (context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>()?.Kind switch
            {
                "import" => limits.ImportBytes,
                "upload" => materials.MaxBytes + UploadFraming,
                _ => limits.JsonBytes,
            };
            if (context.Request.ContentLength > limit)
            {
                await Problems.TooLarge(limit).ExecuteAsync(context);
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
            context.Request.Body = new LimitedStream(context.Request.Body, limit);

            var errors = new Dictionary<string, string[]>();
            foreach (var (key, values) in context.Request.Query)
            {
                if (RequestBody.TextError(key) is { } keyError) errors["query"] = [$"a parameter name {keyError}"];
                else if (values.Select(RequestBody.TextError).FirstOrDefault(e => e is not null) is { } error) errors[key] = [error];
            }
            foreach (var (key, value) in context.Request.RouteValues)
                if (value is string text && RequestBody.TextError(text) is { } error) errors[key] = [error];
            if (RequestBody.TextError(context.Request.Headers[ApplicationEndpoints.IdempotencyHeader].ToString()) is { } headerError)
                errors[ApplicationEndpoints.IdempotencyHeader] = [headerError];
            if (errors.Count > 0)
            {
                await Problems.Validation(errors).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        return app;
    }

    /// <summary>A request body that refuses to yield more than the limit.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Count(await inner.ReadAsync(buffer, ct));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit) throw new BadHttpRequestException($"The request body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
