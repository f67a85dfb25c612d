using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Approval.Rules.Yaml;

/// <summary>
/// A text in Chinese (the product's first language) and English: labels, rule messages, reasons. Stored as
/// <c>{ "zh": "…", "en": "…" }</c>; a plain JSON string (values written before both languages existed, free text typed
/// by a person) reads as the same text in both.
/// </summary>
[JsonConverter(typeof(LocalizedTextJsonConverter))]
public sealed record LocalizedText(string Zh, string En)
{
    public static LocalizedText Same(string text) => new(text, text);

    /// <summary>English for an English culture (<c>en</c>, <c>en-US</c>…), Chinese for every other.</summary>
    public string In(CultureInfo culture) => culture.TwoLetterISOLanguageName == "en" ? En : Zh;

    public static LocalizedText Join(IEnumerable<LocalizedText> parts)
    {
        var list = parts.Where(p => p.Zh.Length > 0 || p.En.Length > 0).ToList();
        return new(string.Concat(list.Select(p => p.Zh)), string.Join(" ", list.Select(p => p.En)));
    }
}

public sealed class LocalizedTextJsonConverter : JsonConverter<LocalizedText>
{
    public override LocalizedText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return LocalizedText.Same(reader.GetString()!);
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a text is a string or { zh, en }");
        string? zh = null, en = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "zh") zh = reader.GetString();
            else if (name == "en") en = reader.GetString();
            else reader.Skip();
        }
        return new LocalizedText(zh ?? en ?? "", en ?? zh ?? "");
    }

    public override void Write(Utf8JsonWriter writer, LocalizedText value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("zh", value.Zh);
        writer.WriteString("en", value.En);
        writer.WriteEndObject();
    }
}
