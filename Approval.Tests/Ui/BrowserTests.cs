using Approval.Tests.Support;
using Microsoft.Playwright;

namespace Approval.Tests.Ui;

/// <summary>
/// The screens in a real browser (headless Chromium on a real Kestrel server over SQLite): real clicks and typing in the
/// Chinese UI, each person in a browser of their own, signed in through the demo sign-in the screens offer. Each test
/// writes screenshots of the screens it passes to docs/screenshots (shown in the README).
/// </summary>
public sealed class BrowserTests(BrowserApi api) : IClassFixture<BrowserApi>
{
    private static int _people;

    private static string NewPerson() => TestIds.Person(new DateOnly(1975, 1, 1).AddDays(Interlocked.Increment(ref _people) * 11 + Random.Shared.Next(3000)), Random.Shared.Next(50));

    private static Task ShotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserApi.Screenshots, $"{name}.png"), FullPage = fullPage, Animations = ScreenshotAnimations.Disabled });

    /// <summary>A browser of its own for one person, signed in with the demo sign-in, on the screen the role lands on.</summary>
    private async Task<IPage> SignInAsync(string role, string? department = null, string? subject = null, int width = 1280, int height = 900)
    {
        var page = await api.NewPageAsync(width, height);
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

        await TypeAsync(desk, "enterprise.proposedName", $"临清浏览器测试{Guid.NewGuid().ToString("N")[..4]}有限公司");
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
        await Assertions.Expect(b2).ToContainTextAsync("符合条件");
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
        await ShotAsync(admin, "admin-dashboard");
    }
}
