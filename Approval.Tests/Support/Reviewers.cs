using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Approval.Api.Security;

namespace Approval.Tests.Support;

/// <summary>What the HTTP tests do as a department: find an application's open task in the inbox and decide it; upload a file.</summary>
public static class Reviewers
{
    /// <summary>Decides the application's one open task of <paramref name="kind"/> for <paramref name="item"/> in the department's inbox; asserts 200.</summary>
    public static async Task DecideAsync(ApiFactory api, string applicationId, string item, string kind, string department, object decision)
    {
        var reviewer = api.ClientAs(Roles.Reviewer, department);
        var page = await (await reviewer.GetAsync($"/api/tasks?department={department}&status=open&pageSize=100")).Content.ReadFromJsonAsync<JsonElement>();
        var task = page.GetProperty("items").EnumerateArray()
            .Single(t => t.GetProperty("applicationId").GetString() == applicationId && t.GetProperty("itemCode").GetString() == item && t.GetProperty("kind").GetString() == kind);
        var response = await reviewer.PostAsJsonAsync($"/api/tasks/{task.GetProperty("id").GetString()}/decisions", decision);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{item} {kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A minimal valid PDF as the multipart body of a material upload.</summary>
    public static MultipartFormDataContent Pdf(string fileName = "scan.pdf")
    {
        var file = new ByteArrayContent("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return new MultipartFormDataContent { { file, "file", fileName } };
    }
}
