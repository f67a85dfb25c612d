using Approval.Workflows.Calendar;

namespace Approval.Tests.Workflows;

public class WorkingCalendarTests
{
    private readonly WorkingCalendar _calendar = Repo.Calendar();

    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-01-01", false)] // 元旦, Thursday
    [InlineData("2026-01-04", true)]  // make-up Sunday
    [InlineData("2026-02-14", true)]  // make-up Saturday before the Spring Festival
    [InlineData("2026-02-23", false)] // last day of the Spring Festival, Monday
    [InlineData("2026-10-01", false)]
    [InlineData("2026-10-07", false)] // National Day week, Wednesday
    [InlineData("2026-10-10", true)]  // make-up Saturday
    [InlineData("2026-10-11", false)] // ordinary Sunday
    [InlineData("2026-03-02", true)]  // ordinary Monday
    public void IsWorkingDay_2026Calendar_MatchesHolidaysAndMakeUpDays(string date, bool expected) =>
        Assert.Equal(expected, _calendar.IsWorkingDay(D(date)));

    [Fact]
    public void WorkingDaysBetween_Whole2026_Is248() =>
        Assert.Equal(248, _calendar.WorkingDaysBetween(D("2025-12-31"), D("2026-12-31")));

    [Theory]
    [InlineData("2026-09-30", 1, "2026-10-08")]
    [InlineData("2026-09-30", 3, "2026-10-10")]
    [InlineData("2026-09-30", 5, "2026-10-13")]
    [InlineData("2026-09-28", 5, "2026-10-10")]
    public void AddWorkingDays_AcrossNationalDayWeek_SkipsHolidaysCountsMakeUpDay(string from, int days, string due) =>
        Assert.Equal(D(due), _calendar.AddWorkingDays(D(from), days));

    [Fact]
    public void AddWorkingDays_StartOnHoliday_CountsFromNextWorkingDay() =>
        Assert.Equal(D("2026-10-08"), _calendar.AddWorkingDays(D("2026-10-03"), 1));

    [Fact]
    public void AddWorkingDays_StartDayNotCounted_DueIsNthWorkingDayAfter()
    {
        Assert.Equal(D("2026-03-03"), _calendar.AddWorkingDays(D("2026-03-02"), 1));
        Assert.Equal(D("2026-03-02"), _calendar.AddWorkingDays(D("2026-03-02"), 0));
    }

    [Fact]
    public void WorkingDaysBetween_SpringFestival_CountsMakeUpSaturdayOnly() =>
        Assert.Equal(5, _calendar.WorkingDaysBetween(D("2026-02-13"), D("2026-02-27")));

    [Fact]
    public void WorkingDaysBetween_InverseOfAddWorkingDays_RoundTrips()
    {
        var from = D("2026-09-15");
        for (var n = 0; n < 40; n++)
            Assert.Equal(n, _calendar.WorkingDaysBetween(from, _calendar.AddWorkingDays(from, n)));
    }

    [Fact]
    public void IsConfirmed_YearWithoutCalendar_FallsBackToWeekdaysUnconfirmed()
    {
        Assert.True(_calendar.IsConfirmed(2026));
        Assert.False(_calendar.IsConfirmed(2027));
        Assert.False(_calendar.IsConfirmed(D("2026-12-20"), D("2027-01-10")));
        Assert.True(_calendar.IsWorkingDay(D("2027-01-01"))); // a Friday: unknown holiday, treated as a working day
        Assert.Equal(D("2027-01-04"), _calendar.AddWorkingDays(D("2026-12-31"), 2));
    }

    [Fact]
    public void ToChinaDate_LateUtcEvening_IsNextChinaDay()
    {
        Assert.Equal(D("2026-10-01"), WorkingCalendar.ToChinaDate(new DateTimeOffset(2026, 9, 30, 16, 30, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 10, 1, 16, 0, 0, TimeSpan.Zero), WorkingCalendar.EndOf(D("2026-10-01")));
    }

    [Fact]
    public void FromJson_HolidayEndsBeforeStart_Throws() =>
        Assert.Throws<FormatException>(() => CalendarYear.FromJson(
            """{"year":2027,"holidays":[{"name":"x","from":"2027-02-10","to":"2027-02-01"}],"makeUpWorkingDays":[]}"""));

    [Fact]
    public void Constructor_FromDataRows_SameAsFile()
    {
        var rows = new CalendarYear(2026, [new HolidayRange("国庆节", D("2026-10-01"), D("2026-10-07"))], [D("2026-10-10")]);
        var calendar = new WorkingCalendar([rows]);
        Assert.Equal(D("2026-10-10"), calendar.AddWorkingDays(D("2026-09-30"), 3));
    }
}
