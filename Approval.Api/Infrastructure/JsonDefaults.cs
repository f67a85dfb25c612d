using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Approval.Api.Infrastructure;

public static class JsonDefaults
{
    /// <summary>The service's options, built once: options cache the serialisation metadata of every type they have seen, so a
    /// new instance per call would rebuild it by reflection each time.</summary>
    public static readonly JsonSerializerOptions Options = Apply(new JsonSerializerOptions());

    /// <summary>camelCase, enums as camelCase strings, Chinese text unescaped.</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return o;
    }
}
