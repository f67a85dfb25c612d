using System.Text.Json;
using Approval.Api.Security;
using Approval.Api.Tasks;
using Approval.Rules.Identifiers;

namespace Approval.Tests.Applications;

public class DepartmentViewTests
{
    private const string Id = "11010519491231002X";

    private static readonly string Facts = $$"""
        {
          "applicant": { "name": "张三", "idNumber": "{{Id}}", "phone": "13800138000", "address": null, "age": 40 },
          "agent": null,
          "disability": { "category": "physical", "grade": 2, "needsLongTermCare": true,
                          "certificateNumber": "{{Id}}42", "history": [ { "phone": "13900139000", "note": "a" }, "13700137000" ] },
          "household": { "members": [ { "name": "李四", "idNumber": "{{Id}}" } ], "lowIncome": false },
          "payment": { "bank": "某行", "accountNumber": "6222020202020202" },
          "pension": 12.5
        }
        """;

    private static void AssertJson(string expected, JsonElement actual) =>
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(expected).RootElement, actual), $"expected {expected}, got {actual.GetRawText()}");

    [Fact]
    public void Project_LeafPaths_KeepOnlyThoseLeavesInTheTableOrder()
    {
        var view = DepartmentView.Project(Facts, "designated-hospital");

        Assert.Equal(["applicant", "disability"], view.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name", "idNumber"], view.GetProperty("applicant").EnumerateObject().Select(p => p.Name));
        Assert.Equal(ChineseId.Mask(Id), view.GetProperty("applicant").GetProperty("idNumber").GetString());
        AssertJson("""{"category":"physical","needsLongTermCare":true}""", view.GetProperty("disability"));
    }

    [Fact]
    public void Project_WholeSections_MaskIdPhoneAccountAndCertificateNumbersAtAnyDepth()
    {
        var view = DepartmentView.Project(Facts, "civil-affairs");

        var applicant = view.GetProperty("applicant");
        Assert.Equal(ChineseId.Mask(Id), applicant.GetProperty("idNumber").GetString());
        Assert.Equal(PersonalData.MaskPhone("13800138000"), applicant.GetProperty("phone").GetString());
        Assert.Equal(JsonValueKind.Null, applicant.GetProperty("address").ValueKind);
        Assert.Equal(40, applicant.GetProperty("age").GetInt32());
        var disability = view.GetProperty("disability");
        Assert.Equal(ChineseId.Mask(Id) + "42", disability.GetProperty("certificateNumber").GetString());
        Assert.Equal(PersonalData.MaskPhone("13900139000"), disability.GetProperty("history")[0].GetProperty("phone").GetString());
        Assert.Equal(ChineseId.Mask(Id), view.GetProperty("household").GetProperty("members")[0].GetProperty("idNumber").GetString());
        Assert.Equal("************0202", view.GetProperty("payment").GetProperty("accountNumber").GetString());
        Assert.Equal("某行", view.GetProperty("payment").GetProperty("bank").GetString());
        Assert.DoesNotContain(Id, view.GetRawText());
        Assert.DoesNotContain("13800138000", view.GetRawText());
        Assert.DoesNotContain("6222020202020202", view.GetRawText());
    }

    [Fact]
    public void Project_NullOrMissingPathOrNonObjectParent_IsLeftOut()
    {
        // agent is null, pension is a number: neither appears, and no empty object stands in for them
        Assert.False(DepartmentView.Project(Facts, "civil-affairs").TryGetProperty("agent", out _));
        var hrss = DepartmentView.Project("""{"applicant":{"name":"王五"},"disability":7,"pension":null}""", "hrss");
        AssertJson("""{"applicant":{"name":"王五"}}""", hrss);
        AssertJson("{}", DepartmentView.Project("""{"enterprise":{}}""", "culture-tourism"));
    }

    [Fact]
    public void Project_UnlistedDepartment_SeesOnlyTheApplicantsOrEnterprisesName()
    {
        AssertJson("""{"applicant":{"name":"张三"}}""", DepartmentView.Project(Facts, "tax"));
        AssertJson("""{"enterprise":{"proposedName":"某某娱乐"}}""",
            DepartmentView.Project("""{"enterprise":{"proposedName":"某某娱乐","legalRepresentative":{"idNumber":"x"}}}""", "tax"));
    }

    [Fact]
    public void Project_NotAnObject_IsAnEmptyView()
    {
        AssertJson("{}", DepartmentView.Project("[1,2]", "dpf"));
        AssertJson("{}", DepartmentView.Project("null", "dpf"));
    }

    [Fact]
    public void Project_StringsInArrays_AreCopiedAsTheyAre()
    {
        var history = DepartmentView.Project(Facts, "dpf").GetProperty("disability").GetProperty("history");
        Assert.Equal("13700137000", history[1].GetString());
    }

    [Fact]
    public void Project_WrittenIntoAResponse_IsEscapedByTheResponsesEncoder()
    {
        var view = DepartmentView.Project("""{"applicant":{"name":"<b>张</b>"}}""", "dpf");

        Assert.Equal("<b>张</b>", view.GetProperty("applicant").GetProperty("name").GetString());
        var response = JsonSerializer.Serialize(new { application = view });
        Assert.DoesNotContain("<b>", response);
        Assert.Contains("\\u003Cb\\u003E", response);
    }
}
