using Approval.Api.Data;

namespace Approval.Api.Infrastructure;

/// <summary>Operator commands run instead of the web host: <c>dotnet Approval.Api.dll &lt;command&gt; …</c>.</summary>
public static class Commands
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        switch (args)
        {
            case ["schema-script", var provider]:
                if (!Enum.TryParse<DatabaseProvider>(provider, ignoreCase: true, out var p))
                {
                    Console.Error.WriteLine("usage: schema-script sqlite|postgresql");
                    exitCode = 2;
                    return true;
                }
                Console.WriteLine(DatabaseSetup.CreateScript(p));
                return true;
            default:
                return false;
        }
    }
}
