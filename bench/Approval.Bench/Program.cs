using BenchmarkDotNet.Running;

if (args is ["--quick", ..])
{
    Approval.Bench.QuickProfile.Run(args.Length > 1 ? int.Parse(args[1]) : 20_000);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Approval.Bench.RulesBenchmarks).Assembly).Run(args);
