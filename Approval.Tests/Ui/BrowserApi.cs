using Approval.Tests.Applications;
using Approval.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Approval.Tests.Ui;

/// <summary>
/// The real API on Kestrel (a free port) over SQLite, with the demo sign-in on and a clock the tests move
/// (FakeTimeProvider, timer dispatcher off), and Debian's headless Chromium driven by Playwright.
/// The browser is never downloaded: a missing /usr/bin/chromium fails the tests (./test.sh installs it).
/// </summary>
public sealed class BrowserApi : SqliteApi
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private readonly string _materials = TestDatabases.NewSqliteFolder();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public FakeTimeProvider Clock { get; } = new(WorkflowClock.Start);
    public string BaseUrl { get; private set; } = "";
    /// <summary>Every 5xx answer a page received (the screens must never provoke one).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> ServerErrors { get; } = new();

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser is not started");

    /// <summary>The folder the screenshots are written to (docs/screenshots of the repository).</summary>
    public static string Screenshots { get; } = Path.Combine(RepoPaths.Root, "docs", "screenshots");

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Ui:DemoSignIn", "true"), new("Workflows:RunTimers", "false"), new("Materials:Storage", "Folder"), new("Materials:Folder", _materials)];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        WorkflowClock.UseClock(builder, Clock);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: the browser tests need Debian's chromium (./test.sh installs it with apt-get install chromium).");
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1").TrimEnd('/');
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>A fresh browser context (its own session and local storage) in Chinese, the size of a desk screen unless told.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "zh-CN", BaseURL = BaseUrl });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        page.Response += (_, r) => { if (r.Status >= 500) ServerErrors.Enqueue($"{r.Status} {r.Request.Method} {r.Url}"); };
        return page;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
        try { Directory.Delete(_materials, recursive: true); } catch (IOException) { }
    }
}
