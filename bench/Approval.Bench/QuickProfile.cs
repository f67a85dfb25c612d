using System.Diagnostics;

namespace Approval.Bench;

/// <summary>A rough single-thread stopwatch pass (<c>--quick [n]</c>) to compare changes between BenchmarkDotNet runs.</summary>
public static class QuickProfile
{
    public static void Run(int n)
    {
        var b = new RulesBenchmarks();
        b.Setup();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++) b.CompileDisabilityAssistance();
        var compile = sw.Elapsed.TotalMilliseconds / 5;
        for (var i = 0; i < n / 10; i++) b.AssessApplicantBundleA();
        var before = GC.GetAllocatedBytesForCurrentThread();
        sw.Restart();
        for (var i = 0; i < n; i++) b.AssessApplicantBundleA();
        var us = sw.Elapsed.TotalMicroseconds / n;
        var kb = (GC.GetAllocatedBytesForCurrentThread() - before) / 1024.0 / n;
        Console.WriteLine($"compile A {compile:F1} ms; assess A {us:F1} us, {kb:F1} KB");
    }
}
