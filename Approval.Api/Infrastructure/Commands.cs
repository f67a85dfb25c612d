using Approval.Api.Data;
using Approval.Api.Security;

namespace Approval.Api.Infrastructure;

/// <summary>Operator commands run instead of the web host: <c>dotnet Approval.Api.dll &lt;command&gt; …</c>.</summary>
public static class Commands
{
    private const string Usage = """
        commands:
          token --role <applicant|clerk|kiosk|reviewer|admin> [--department <code>] [--subject <id>] [--hours <n>] [--session <id>]
              prints a bearer token signed with Auth:SigningKey, valid for at most Auth:MaxTokenHours; a kiosk token carries a session (sid), new unless --session is given
          schema-script <sqlite|postgresql|sqlserver>
              prints the CREATE script of the current EF model (the starting point of a new db/ migration)
          migrate
              applies the pending db/ migrations (run as the owner role; the service then runs with Database:MigrateOnStartup=false)
          reencrypt
              re-encrypts every protected value with the current key (Security:DataKeyId of Security:DataKeys), with progress
          verify-audit
              verifies the audit hash chains (Security:AuditKey); exit code 1 and the first bad row when one is broken
          prune-audit
              deletes the audit rows older than Audit:RetentionDays (at least 180) as a whole prefix of each chain and leaves an anchor per chain
        """;

    public static bool TryRun(string[] args, IConfiguration configuration, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0].StartsWith('-')) return false;
        try
        {
            switch (args[0])
            {
                case "schema-script" when args.Length == 2 && Enum.TryParse<DatabaseProvider>(args[1], ignoreCase: true, out var provider):
                    Console.WriteLine(DatabaseSetup.CreateScript(provider));
                    return true;
                case "schema-script":
                    throw new ArgumentException($"schema-script takes one provider: sqlite, postgresql or sqlserver{(args.Length > 1 ? $" (not '{string.Join(' ', args[1..])}')" : "")}");
                case "migrate" or "reencrypt" or "verify-audit" or "prune-audit" when args.Length == 1:
                    exitCode = DataCommands.RunAsync(args[0], configuration, Console.Out).GetAwaiter().GetResult();
                    return true;
                case "token":
                    var options = Options(args[1..]);
                    var auth = configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
                    if (auth.Problems().FirstOrDefault() is { } problem) throw new InvalidOperationException(problem);
                    var hours = options.TryGetValue("hours", out var h) ? double.Parse(h, System.Globalization.CultureInfo.InvariantCulture) : auth.TokenHours;
                    if (hours <= 0 || hours > auth.MaxTokenHours) throw new ArgumentException($"--hours must be more than 0 and at most Auth:MaxTokenHours ({auth.MaxTokenHours})");
                    Console.WriteLine(TokenIssuer.Issue(auth, TimeProvider.System,
                        options.GetValueOrDefault("role") ?? throw new ArgumentException("--role is required"),
                        options.GetValueOrDefault("department"), options.GetValueOrDefault("subject"), TimeSpan.FromHours(hours),
                        options.GetValueOrDefault("session")));
                    return true;
                default:
                    Console.Error.WriteLine($"unknown command '{args[0]}'\n{Usage}");
                    exitCode = 2;
                    return true;
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            Console.Error.WriteLine($"{e.Message}\n{Usage}");
            exitCode = 2;
            return true;
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var result = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"unexpected '{args[i]}'");
            result[args[i][2..]] = args[++i];
        }
        return result;
    }
}
