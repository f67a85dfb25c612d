namespace Approval.Tests; public class Placeholder { [Fact] public void Skeleton_Builds_True() => Assert.NotNull(typeof(Approval.Rules.Bundles.BundleLoader)); }
