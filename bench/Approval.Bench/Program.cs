using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Approval.Bench.RulesBenchmarks).Assembly).Run(args);
