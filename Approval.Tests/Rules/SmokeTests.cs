using Xunit.Abstractions;

namespace Approval.Tests.Rules;

public class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public void Compile_BothRealBundles_Succeeds()
    {
        output.WriteLine(TestBundles.Describe(TestBundles.AssessA(TestBundles.ApplicantA())));
        output.WriteLine(TestBundles.Describe(TestBundles.AssessB(TestBundles.CompanyB())));
    }
}
