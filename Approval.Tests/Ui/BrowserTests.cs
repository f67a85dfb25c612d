using Approval.Tests.Support;
using Microsoft.Playwright;

namespace Approval.Tests.Ui;

/// <summary>
/// The screens in a real browser (headless Chromium on a real Kestrel server over SQLite): real clicks and typing in the
/// Chinese UI, each person in a browser of their own, signed in through the demo sign-in the screens offer. Each test
/// writes screenshots of the screens it passes to docs/screenshots (shown in the README).
/// </summary>
public sealed class BrowserTests : IClassFixture<BrowserApi>
{
    private readonly BrowserApi _api;

    public BrowserTests(BrowserApi api)
    {
        _api = api;
        _api.ServerErrors.Clear();
    }

    private void AssertNoServerErrors() => Assert.True(_api.ServerErrors.IsEmpty, $"server errors: {string.Join("; ", _api.ServerErrors)}");

    private static int _people;

    /// <summary>A new person per call, the same ones on every run (each run has a database of its own), so the screenshots only change when the screens do.</summary>
    private static string NewPerson() { var n = Interlocked.Increment(ref _people); return TestIds.Person(new DateOnly(1975, 1, 1).AddDays(n * 397), n); }

    /// <summary>A screenshot once the screen has settled: no view loading, and any one-time notice answered for the latest edit.</summary>
    private static async Task ShotAsync(IPage page, string name, bool fullPage = true)
    {
        await Assertions.Expect(page.Locator("main[aria-busy], #notice[data-state='pending']")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApi.Screenshots, $"{name}.png"), FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });
    }

    /// <summary>A browser of its own for one person, signed in with the demo sign-in, on the screen the role lands on.</summary>
    private async Task<IPage> SignInAsync(string role, string? department = null, string? subject = null, int width = 1280, int height = 900)
    {
        var page = await _api.NewPageAsync(width, height);
        await page.GotoAsync("/ui/#/signin");
        await page.Locator("#demo-role").SelectOptionAsync(role);
        if (department is not null) await page.Locator("#demo-dept").SelectOptionAsync(department);
        if (subject is not null) await page.Locator("#demo-subject").FillAsync(subject);
        await page.Locator("form.demo button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator(".identity")).ToHaveAttributeAsync("data-role", role);
        return page;
    }

    private static ILocator Field(IPage page, string path) => page.Locator($"[data-path='{path}']");

    private static async Task TypeAsync(IPage page, string path, string value)
    {
        var field = Field(page, path);
        await field.ClickAsync();
        await field.PressSequentiallyAsync(value);
    }

    /// <summary>The reviewer opens the task of the receipt in the inbox, chooses the action, records outputs and decides.</summary>
    private static async Task DecideAsync(IPage page, string receipt, string item, string kind, string action, Func<ILocator, Task>? outputs = null, string? shot = null)
    {
        await page.Locator("#f-status").SelectOptionAsync("open");
        var row = page.Locator($"tr[data-receipt='{receipt}'][data-item='{item}'][data-kind='{kind}']");
        await row.Locator("button[data-open]").ClickAsync();
        var detail = page.Locator("article[data-task-detail][data-status='open']");
        await Assertions.Expect(detail.Locator("h2")).ToContainTextAsync(item);
        await detail.Locator($"input[data-action='{action}']").CheckAsync();
        if (outputs is not null) await outputs(detail);
        if (shot is not null) await ShotAsync(page, shot);
        await detail.Locator("button[data-decide]").ClickAsync();
        await Assertions.Expect(page.Locator("article[data-task-detail][data-status='done']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task BundleB_WindowDeskThroughEveryInboxToPortal_CombinedResultRated()
    {
        var legalRep = NewPerson();
        var desk = await SignInAsync("clerk");
        await Assertions.Expect(desk).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/desk$"));
        await desk.Locator("#bundle-pick").SelectOptionAsync("entertainment-venue");

        await TypeAsync(desk, "enterprise.proposedName", "临清欢乐歌舞有限公司");
        await Field(desk, "enterprise.type").SelectOptionAsync("llc");
        await TypeAsync(desk, "enterprise.registeredCapital", "500000");
        await TypeAsync(desk, "enterprise.legalRepresentative.name", "李四");
        await TypeAsync(desk, "enterprise.legalRepresentative.idNumber", legalRep[..17] + (legalRep[17] == '0' ? '1' : '0'));
        await Assertions.Expect(desk.Locator("[data-field='enterprise.legalRepresentative.idNumber'] .field-error")).ToContainTextAsync("校验位");
        await Field(desk, "enterprise.legalRepresentative.idNumber").FillAsync(legalRep);
        await Assertions.Expect(desk.Locator("[data-field='enterprise.legalRepresentative.idNumber'] .field-error")).ToBeEmptyAsync();
        await TypeAsync(desk, "enterprise.legalRepresentative.phone", "13900139000");
        await TypeAsync(desk, "enterprise.investors[0].name", "李四");
        await TypeAsync(desk, "enterprise.investors[0].idNumber", legalRep);
        await TypeAsync(desk, "enterprise.investors[0].sharePercent", "100");
        await TypeAsync(desk, "venue.regionCode", "371581");
        await TypeAsync(desk, "venue.address", "临清市新华路1号");
        await Field(desk, "venue.kind").SelectOptionAsync("song-and-dance");
        await TypeAsync(desk, "venue.floorAreaM2", "300");
        await TypeAsync(desk, "venue.roomCount", "8");
        await Assertions.Expect(desk.Locator("[data-field='venue.smallestRoomAreaM2']")).ToBeVisibleAsync();
        await TypeAsync(desk, "venue.smallestRoomAreaM2", "12");
        await Field(desk, "venue.buildingUse").SelectOptionAsync("commercial");
        await TypeAsync(desk, "venue.lowestFloor", "1");
        await TypeAsync(desk, "venue.distanceToNearestSchoolM", "100");
        await Field(desk, "venue.adjacentToHazardousChemicalsStore").SelectOptionAsync("false");
        await Field(desk, "venue.premises").SelectOptionAsync("leased");
        await Field(desk, "fire.path").SelectOptionAsync("commitment");
        await Field(desk, "declarations.noDisqualifyingRecord").SelectOptionAsync("true");

        var b2 = desk.Locator("#notice tr[data-item='B2']");
        await Assertions.Expect(b2).ToContainTextAsync("不符合条件");
        await Field(desk, "venue.distanceToNearestSchoolM").FillAsync("500");
        await Assertions.Expect(b2).ToContainTextAsync("有条件符合");
        await Assertions.Expect(b2).Not.ToContainTextAsync("不符合条件");
        await Assertions.Expect(desk.Locator("#notice tr[data-material='business-licence']")).ToContainTextAsync("免交");
        await ShotAsync(desk, "desk-notice");

        await desk.Locator("button[data-submit]").ClickAsync();
        var receiptNumber = desk.Locator(".receipt .receipt-number");
        await Assertions.Expect(receiptNumber).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^YJS-\d{8}-\d{6}$"));
        var receipt = await receiptNumber.InnerTextAsync();
        await desk.EmulateMediaAsync(new() { Media = Media.Print });
        await ShotAsync(desk, "desk-receipt-print");
        await desk.EmulateMediaAsync(new() { Media = Media.Screen });
        await ShotAsync(desk, "desk-receipt");

        var market = await SignInAsync("reviewer", "market-regulation");
        await DecideAsync(market, receipt, "B1", "review", "approve", shot: "inbox-decision");
        await ShotAsync(market, "inbox-decided");

        var culture = await SignInAsync("reviewer", "culture-tourism");
        await DecideAsync(culture, receipt, "B2", "review", "approve");
        await DecideAsync(culture, receipt, "B2", "verification", "submit", async d =>
        {
            await d.Locator("[data-output='passed']").SelectOptionAsync("true");
            await d.Locator("[data-output='findings']").FillAsync("现场核查符合要求");
        }, shot: "inbox-verification");
        await DecideAsync(culture, receipt, "B2", "decision", "approve");

        var fire = await SignInAsync("reviewer", "fire-rescue");
        await ShotAsync(fire, "inbox");
        await DecideAsync(fire, receipt, "B3", "review", "approve");
        await DecideAsync(fire, receipt, "B3", "decision", "approve");
        await DecideAsync(fire, receipt, "B3", "inspection", "submit", async d =>
        {
            await d.Locator("[data-output='passed']").SelectOptionAsync("true");
            await d.Locator("[data-output='findings']").FillAsync("疏散通道畅通");
        });

        var portal = await SignInAsync("applicant", subject: legalRep, width: 390, height: 844);
        await portal.Locator("[data-lookup]").FillAsync(receipt);
        await portal.Locator("form.lookup button[type=submit]").ClickAsync();
        var combined = portal.Locator(".combined");
        foreach (var item in new[] { "B1", "B2", "B3" })
            await Assertions.Expect(combined.Locator($"tr[data-item='{item}']")).ToHaveAttributeAsync("data-result", "granted");
        await Assertions.Expect(combined.Locator("tr[data-item='B1']")).ToContainTextAsync("91371581");
        await ShotAsync(portal, "portal-combined-phone");
        await portal.Locator("input[data-score='5']").CheckAsync();
        await portal.Locator("form.rating button[type=submit]").ClickAsync();
        await Assertions.Expect(portal.Locator(".application")).ToContainTextAsync("5 / 5");
        Assert.True(await portal.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the portal scrolls sideways on a phone");

        var admin = await SignInAsync("admin");
        await Assertions.Expect(admin.Locator("[data-total]")).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator(".grid3 table").First).ToContainTextAsync("开办娱乐场所");
        await ShotAsync(admin, "admin-dashboard");
        AssertNoServerErrors();
    }

    [Fact]
    public async Task Portal_DraftKeptAcrossAReloadThenSubmittedAndWithdrawn()
    {
        var person = NewPerson();
        var portal = await SignInAsync("applicant", subject: person);
        await portal.Locator("#bundle-pick").SelectOptionAsync("disability-assistance");
        await TypeAsync(portal, "applicant.name", "赵六");
        await TypeAsync(portal, "applicant.idNumber", person);
        await TypeAsync(portal, "applicant.phone", "13900139000");
        await portal.Locator("button[data-save-draft]").ClickAsync();
        await Assertions.Expect(portal.Locator(".alert-ok")).ToBeVisibleAsync();

        await portal.ReloadAsync();
        await portal.Locator("#bundle-pick").SelectOptionAsync("disability-assistance");
        await Assertions.Expect(Field(portal, "applicant.phone")).ToHaveValueAsync("13900139000");
        await Assertions.Expect(Field(portal, "applicant.name")).ToHaveValueAsync("赵六");
        await TypeAsync(portal, "applicant.hukouRegion", "371581");
        await Field(portal, "disability.hasCertificate").SelectOptionAsync("false");
        await Field(portal, "disability.category").SelectOptionAsync("physical");
        await Assertions.Expect(portal.Locator("#notice tr[data-item='A1']")).ToBeVisibleAsync();
        await portal.Locator("button[data-submit]").ClickAsync();
        var receipt = await portal.Locator(".receipt .receipt-number").InnerTextAsync();
        Assert.Matches(@"^YJS-\d{8}-\d{6}$", receipt);

        await portal.Locator($"button[data-mine='{receipt}']").ClickAsync();
        await Assertions.Expect(portal.Locator(".app-status")).ToHaveAttributeAsync("data-status", "awaitingAcceptance");
        await portal.Locator("details.withdraw summary").ClickAsync();
        await portal.Locator("details.withdraw textarea").FillAsync("材料不全，改日再来");
        await portal.Locator("details.withdraw button[type=submit]").ClickAsync();
        await Assertions.Expect(portal.Locator(".app-status")).ToHaveAttributeAsync("data-status", "withdrawn");
        await portal.ReloadAsync();
        await portal.Locator("#bundle-pick").SelectOptionAsync("disability-assistance");
        await Assertions.Expect(Field(portal, "applicant.phone")).ToHaveValueAsync("");
        AssertNoServerErrors();
    }

    [Fact]
    public async Task Admin_ReformFiguresThenPolicySimulatedAndPublished_VersionInForceChanges()
    {
        var admin = await SignInAsync("admin");
        await admin.Locator("#tab-reform").ClickAsync();
        var reform = admin.Locator("section[data-bundle='disability-assistance']");
        await Assertions.Expect(reform.Locator("tr[data-measure='forms']")).ToContainTextAsync("5");
        await Assertions.Expect(reform.Locator("tr[data-measure='materialSubmissions'] td.cut")).ToContainTextAsync("-");
        await ShotAsync(admin, "admin-reform");

        await admin.Locator("#tab-policy").ClickAsync();
        await admin.Locator("#pol-bundle").SelectOptionAsync("disability-assistance");
        var versionBefore = await admin.Locator(".tab-panel table caption").First.TextContentAsync();
        await admin.Locator("#pol-parameter").SelectOptionAsync("livingSubsidyMonthly");
        await admin.Locator("#pol-from").FillAsync("2030-01-01");
        await admin.Locator("#pol-value").FillAsync("165");
        await admin.Locator("#pol-publish").ClickAsync();
        await Assertions.Expect(admin.Locator(".alert-error")).ToBeVisibleAsync();
        await admin.Locator("#pol-registry").CheckAsync();
        await admin.Locator("#pol-simulate").ClickAsync();
        await Assertions.Expect(admin.Locator(".simulation .registry-impact")).ToBeVisibleAsync();
        await ShotAsync(admin, "admin-policy-simulation");
        await admin.Locator("#pol-confirm").CheckAsync();
        await admin.Locator("#pol-publish").ClickAsync();
        await Assertions.Expect(admin.Locator(".alert-ok")).ToContainTextAsync("已生效");
        await Assertions.Expect(admin.Locator("tr[data-parameter='livingSubsidyMonthly']")).ToContainTextAsync("2030-01-01: 165");
        Assert.NotEqual(versionBefore, await admin.Locator(".tab-panel table caption").First.TextContentAsync());
        AssertNoServerErrors();
    }

    private const string Pdf = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

    [Fact]
    public async Task Kiosk_SubmissionWithSupplementRound_ApprovedAfterTheAnswerInThePortal()
    {
        var person = NewPerson();
        var kiosk = await SignInAsync("kiosk", width: 1080, height: 1400);
        var keys = new List<string>();
        kiosk.Request += (_, r) => { if (r.Method == "POST" && r.Url.EndsWith("/api/applications", StringComparison.Ordinal)) keys.Add(r.Headers.GetValueOrDefault("idempotency-key", "")); };
        await Assertions.Expect(kiosk.Locator("h1")).ToHaveTextAsync("欢迎使用自助服务终端");
        await ShotAsync(kiosk, "kiosk-home", fullPage: false);
        await kiosk.Locator("button.tile[data-bundle='disability-assistance']").ClickAsync();
        await kiosk.EvaluateAsync("([id, name]) => document.dispatchEvent(new CustomEvent('identityVerified', { detail: { idNumber: id, name } }))", new[] { person, "王五" });
        await Assertions.Expect(kiosk.Locator(".kiosk-identity")).ToContainTextAsync("身份已核验：王五");
        await Assertions.Expect(Field(kiosk, "applicant.idNumber")).ToHaveValueAsync(person);
        await TypeAsync(kiosk, "applicant.phone", "13800138000");
        await TypeAsync(kiosk, "applicant.hukouRegion", "371581");
        await Field(kiosk, "disability.hasCertificate").SelectOptionAsync("false");
        await Field(kiosk, "disability.category").SelectOptionAsync("physical");
        await Assertions.Expect(kiosk.Locator("#notice tr[data-item='A1']")).ToBeVisibleAsync();
        await Assertions.Expect(kiosk.Locator("#notice tr[data-material='id-card']")).ToContainTextAsync("免交");
        await Assertions.Expect(kiosk.Locator("#notice")).ToContainTextAsync("是否需长期照护");
        await ShotAsync(kiosk, "kiosk-form");

        var failures = 0;
        await kiosk.RouteAsync("**/api/applications", async route =>
        {
            if (route.Request.Method == "POST" && failures++ == 0) await route.AbortAsync("connectionreset");
            else await route.ContinueAsync();
        });
        await kiosk.Locator("button[data-submit]").ClickAsync();
        await Assertions.Expect(kiosk.Locator(".submit-status [role=alert]")).ToBeVisibleAsync();
        await kiosk.Locator("button[data-submit]").ClickAsync();
        var receiptNumber = kiosk.Locator(".receipt .receipt-number");
        await Assertions.Expect(receiptNumber).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^YJS-\d{8}-\d{6}$"));
        var receipt = await receiptNumber.InnerTextAsync();
        Assert.Equal(2, keys.Count);
        Assert.True(Guid.TryParse(keys[0], out _), $"Idempotency-Key '{keys[0]}'");
        Assert.Equal(keys[0], keys[1]);
        await ShotAsync(kiosk, "kiosk-receipt");

        var hall = await SignInAsync("reviewer", "service-hall");
        await DecideAsync(hall, receipt, "", "acceptance", "accept");

        var dpf = await SignInAsync("reviewer", "dpf");
        await DecideAsync(dpf, receipt, "A1", "review", "requestSupplement", async d =>
        {
            await d.Locator("[data-supp-material='photo']").CheckAsync();
            await d.Locator("textarea").Last.FillAsync("照片不清晰，请补交二寸免冠照片");
        }, shot: "inbox-supplement-request");

        var portal = await SignInAsync("applicant", subject: person);
        await portal.Locator("[data-lookup]").FillAsync(receipt);
        await portal.Locator("form.lookup button[type=submit]").ClickAsync();
        var supplement = portal.Locator(".supplement-item[data-item='A1']");
        await Assertions.Expect(supplement).ToContainTextAsync("二寸免冠照片");
        await supplement.Locator("input[data-upload='photo']").SetInputFilesAsync(new FilePayload { Name = "photo.pdf", MimeType = "application/pdf", Buffer = System.Text.Encoding.ASCII.GetBytes(Pdf) });
        await supplement.Locator("[data-upload-button='photo']").ClickAsync();
        await Assertions.Expect(supplement.Locator(".upload-result")).ToContainTextAsync("已上传");
        await ShotAsync(portal, "portal-supplement");
        await supplement.Locator("[data-answer-supplement='A1']").ClickAsync();
        await Assertions.Expect(portal.Locator("tr[data-item='A1']")).Not.ToHaveAttributeAsync("data-status", "awaitingSupplement");

        await dpf.Locator("button", new() { HasText = "刷新" }).ClickAsync();
        await DecideAsync(dpf, receipt, "A1", "review", "approve");
        await portal.Locator("form.lookup button[type=submit]").ClickAsync();
        await Assertions.Expect(portal.Locator(".application")).ToContainTextAsync("照片");
        await Assertions.Expect(portal.Locator(".application table").Last).ToContainTextAsync("评定");
        AssertNoServerErrors();
    }

    [Fact]
    public async Task Kiosk_IdleTimeout_ClearsEverythingTyped()
    {
        var kiosk = await SignInAsync("kiosk");
        await kiosk.GotoAsync("/ui/?idle=2#/kiosk");
        await kiosk.Locator("button.tile[data-bundle='disability-assistance']").ClickAsync();
        await kiosk.EvaluateAsync("() => window.approvalKiosk.identityVerified({ idNumber: '" + NewPerson() + "', name: '赵六' })");
        await TypeAsync(kiosk, "applicant.phone", "13800138000");

        await Assertions.Expect(kiosk.Locator(".idle-dialog")).ToBeVisibleAsync();
        await ShotAsync(kiosk, "kiosk-idle", fullPage: false);
        await Assertions.Expect(kiosk.Locator("button.tile").First).ToBeVisibleAsync(new() { Timeout = 10_000 });

        await Assertions.Expect(kiosk.Locator("[data-path]")).ToHaveCountAsync(0);
        await Assertions.Expect(kiosk.Locator(".kiosk-identity")).Not.ToContainTextAsync("赵六");
        await Assertions.Expect(kiosk.Locator(".idle-dialog")).ToBeHiddenAsync();
        AssertNoServerErrors();
    }

    [Fact]
    public async Task EnglishSwitch_Desk_TextsAndLanguageFollow()
    {
        var desk = await SignInAsync("clerk");
        await Assertions.Expect(desk.Locator("h1")).ToHaveTextAsync("综合窗口");
        await desk.Locator("button[data-lang]").ClickAsync();
        await Assertions.Expect(desk.Locator("h1")).ToHaveTextAsync("Window desk");
        await Assertions.Expect(desk.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await desk.Locator("#bundle-pick").SelectOptionAsync("entertainment-venue");
        await Assertions.Expect(desk.Locator("label[for='fld-enterprise-proposedName']")).ToContainTextAsync("Proposed company name");
        await TypeAsync(desk, "enterprise.legalRepresentative.idNumber", "37158119800501123");
        await desk.Locator("[data-path='enterprise.legalRepresentative.idNumber']").BlurAsync();
        await Assertions.Expect(desk.Locator("[data-field='enterprise.legalRepresentative.idNumber'] .field-error")).ToContainTextAsync("18 characters");
        await ShotAsync(desk, "desk-english", fullPage: false);
        await desk.Locator("button[data-lang]").ClickAsync();
        await Assertions.Expect(desk.Locator("h1")).ToHaveTextAsync("综合窗口");
        AssertNoServerErrors();
    }

    [Fact]
    public async Task AdminMatching_ImportRunAndInvite_PersonListedMaskedAndInvited()
    {
        var id = NewPerson();
        var http = _api.ClientAs(Approval.Api.Security.Roles.Admin);
        foreach (var (source, record) in new[]
        {
            ("population-registry", $$$"""[{"subject":"{{{id}}}","attributes":{"name":"赵六","hukouRegion":"371581"}}]"""),
            ("civil-affairs", $$$"""[{"subject":"{{{id}}}","validFrom":"2026-01-01","attributes":{"status":"dibao"}}]"""),
        })
            (await http.PostAsync($"/api/admin/shared-data/{source}", new StringContent(record, System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var admin = await SignInAsync("admin");
        await Assertions.Expect(admin.Locator("[data-total]")).ToBeVisibleAsync();

        await admin.Locator("#tab-matching").ClickAsync();
        await admin.Locator("#mr-bundle").SelectOptionAsync("disability-assistance");
        await admin.Locator("#mr-start").ClickAsync();
        await Assertions.Expect(admin.Locator("[data-state='finished']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var row = admin.Locator($"tr[data-subject='{_api.Service<Approval.Api.Security.PersonalData>().Hash(id)[..12]}']");
        await Assertions.Expect(row).ToContainTextAsync("赵*");
        await Assertions.Expect(row).ToContainTextAsync("A4");
        await Assertions.Expect(row).Not.ToContainTextAsync("赵六");
        await ShotAsync(admin, "admin-matching");
        await admin.Locator("#mr-invite").ClickAsync();
        await Assertions.Expect(admin.Locator(".alert-ok")).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator("td").Last).ToHaveTextAsync("✔");
        AssertNoServerErrors();
    }

    [Fact]
    public async Task Accessibility_EveryScreen_LabelledControlsReadableButtonsAndSkipLink()
    {
        foreach (var (role, department) in new (string, string?)[] { ("clerk", null), ("reviewer", "dpf"), ("applicant", null), ("kiosk", null), ("admin", null) })
        {
            var page = await SignInAsync(role, department, role == "applicant" ? NewPerson() : null);
            if (role is "clerk" or "applicant") await page.Locator("#bundle-pick").SelectOptionAsync("disability-assistance");
            if (role == "kiosk") await page.Locator("button.tile").First.ClickAsync();
            await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();

            var unlabelled = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('input, select, textarea')]
                .filter((e) => e.offsetParent !== null && e.type !== 'hidden' && !e.labels?.length && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
                .map((e) => e.id || e.name || e.outerHTML.slice(0, 60))");
            Assert.True(unlabelled.Length == 0, $"{role}: controls without a label: {string.Join(", ", unlabelled)}");

            var unreadable = await page.EvaluateAsync<string[]>(@"() => {
                const rgb = (c) => c.match(/[\d.]+/g).map(Number);
                const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
                const background = (e) => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
                return [...document.querySelectorAll('button, a, label, h1, h2, th, td, .badge')].filter((e) => e.offsetParent !== null && e.textContent.trim() && !e.disabled)
                  .filter((e) => { const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e)); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) < 4.5; })
                  .map((e) => `${e.tagName} '${e.textContent.trim().slice(0, 20)}'`);
            }");
            Assert.True(unreadable.Length == 0, $"{role}: text with contrast below 4.5:1: {string.Join(", ", unreadable)}");

            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("body[data-ready='true'] main h1")).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Tab");
            Assert.Equal("skip", await page.EvaluateAsync<string>("() => document.activeElement.className"));
            await page.Keyboard.PressAsync("Enter");
            Assert.Equal("main", await page.EvaluateAsync<string>("() => document.activeElement.id"));
            await page.Context.CloseAsync();
        }
        AssertNoServerErrors();
    }
}
