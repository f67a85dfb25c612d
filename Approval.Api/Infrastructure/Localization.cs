using System.Globalization;
using Approval.Rules.Yaml;
using Microsoft.AspNetCore.Localization;

namespace Approval.Api.Infrastructure;

/// <summary>
/// The language of a response: ASP.NET Core's request localization picks the UI culture from <c>Accept-Language</c>
/// among zh-CN (the default) and en (<c>en-US</c>, <c>en-GB</c>… fall back to it). Only the UI culture changes, so
/// numbers and dates are formatted as before. Texts exist in both languages (<see cref="LocalizedText"/>) and are picked
/// when a response is written.
/// </summary>
public static class Localization
{
    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    public static IServiceCollection AddResponseLanguages(this IServiceCollection services) =>
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(CultureInfo.InvariantCulture, Chinese);
            o.SupportedCultures = [CultureInfo.InvariantCulture];
            o.SupportedUICultures = [Chinese, English];
            o.FallBackToParentUICultures = true;
            o.RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()];
        });

    public static WebApplication UseResponseLanguages(this WebApplication app)
    {
        app.UseRequestLocalization();
        return app;
    }

    /// <summary>The text in the language of the current request.</summary>
    public static string Pick(this LocalizedText text) => text.In(CultureInfo.CurrentUICulture);

    public static string[] Field(this LocalizedText text) => [text.In(CultureInfo.CurrentUICulture)];
}
