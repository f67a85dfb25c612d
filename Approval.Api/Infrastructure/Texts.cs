using Approval.Rules.Yaml;
using Approval.Workflows.Runtime;

namespace Approval.Api.Infrastructure;

/// <summary>
/// Every text the API writes itself — problem titles and details, field-level validation messages, item reasons and
/// notifications — in Chinese and English. A typed table rather than .resx + IStringLocalizer: a text cannot exist in
/// one language only (the constructor takes both), placeholders are C# parameters checked by the compiler instead of
/// positional <c>{0}</c> slots, and there are no satellite assemblies or string keys to get wrong.
/// </summary>
public static class Texts
{
    // ---- problem titles and details
    public static readonly LocalizedText InvalidRequest = new("请求有误", "Invalid request");
    public static readonly LocalizedText InvalidRequestDetail = new("请求中有字段不正确，详见 errors（按 JSON 路径列出）。", "The request has invalid fields; see errors, keyed by JSON path.");
    public static readonly LocalizedText UnknownBundle = new("没有这个事项包", "Unknown bundle");
    public static LocalizedText UnknownBundleDetail(string code) => new($"没有代码为“{code}”的事项包，可通过 GET /api/bundles 查看全部事项包。", $"There is no bundle with code '{code}'. GET /api/bundles lists them.");
    public static readonly LocalizedText UnknownApplication = new("没有这件申请", "Unknown application");
    public static LocalizedText UnknownApplicationDetail(Guid id) => new($"没有编号为 {id} 的申请。", $"There is no application {id}.");
    public static readonly LocalizedText Forbidden = new("无权访问", "Forbidden");
    public static readonly LocalizedText ForbiddenDetail = new("这件申请不属于您，您不能查看或办理。", "This application is not yours to see or act on.");
    public static readonly LocalizedText NotTheApplicant = new("不是本人的申请", "Not your application");
    public static readonly LocalizedText NotTheApplicantDetail = new("申请人只能为自己申请：令牌的主体须是申请人的身份证号码，或法定代表人的身份证号码、企业的统一社会信用代码。",
        "An applicant applies for themselves: the token's subject must be the applicant's ID number, or the legal representative's ID number or the company's credit code.");
    public static readonly LocalizedText NothingToApplyFor = new("没有可以申请的事项", "Nothing to apply for");
    public static readonly LocalizedText NothingToApplyForDetail = new("按所填信息，本事项包中没有符合条件或可附条件办理的事项，原因见 reasons。", "No item of the bundle is eligible or conditional for these facts; see reasons.");
    public static readonly LocalizedText KeyReused = new("幂等键已用于另一份请求", "Idempotency key reused with a different body");
    public static LocalizedText KeyReusedDetail(string key, string receipt) => new($"Idempotency-Key“{key}”已用于另一份内容不同的申请（受理编号 {receipt}），新的申请请换一个键。",
        $"The Idempotency-Key '{key}' was already used for application {receipt} with another request body. Use a new key for a new application.");
    public static readonly LocalizedText MaterialsNotUploaded = new("材料尚未上传", "Materials not uploaded");
    public static LocalizedText MaterialsNotUploadedDetail(Guid id, string materials) => new($"请先上传要求补正的材料（POST /api/applications/{id}/materials/{{code}}）：{materials}。",
        $"Upload the requested material(s) first (POST /api/applications/{id}/materials/{{code}}): {materials}.");
    public static readonly LocalizedText NoResultYet = new("尚未出件", "No result yet");
    public static readonly LocalizedText NoResultYetDetail = new("统一出件后才能评价服务。", "The service can be rated once the combined result (统一出件) is issued.");
    public static readonly LocalizedText AlreadyRated = new("已经评价过", "Already rated");
    public static readonly LocalizedText AlreadyRatedDetail = new("每件申请只能评价一次。", "An application is rated once.");
    public static readonly LocalizedText ChangedMeanwhile = new("申请已被修改", "Changed meanwhile");
    public static readonly LocalizedText ChangedMeanwhileDetail = new("评价时申请发生了变化，请重新读取后再试。", "The application changed while rating; read it and try again.");
    public static readonly LocalizedText UnknownMaterial = new("没有这项材料", "Unknown material");
    public static LocalizedText UnknownMaterialDetail(string bundle, string material) => new($"事项包 {bundle} 中没有材料“{material}”。", $"Bundle {bundle} has no material '{material}'.");
    public static readonly LocalizedText UnsupportedMediaType = new("不支持的内容类型", "Unsupported media type");
    public static readonly LocalizedText MultipartRequired = new("请以 multipart/form-data 上传文件，字段名为 `file`。", "Send the file as multipart/form-data with a field named `file`.");
    public static readonly LocalizedText UnsupportedFileType = new("不支持的文件类型", "Unsupported file type");
    public static LocalizedText UnsupportedFileTypeDetail(string type) => new($"不接受“{type}”，请上传 PDF（application/pdf）、JPEG（image/jpeg）或 PNG（image/png）文件。", $"'{type}' is not accepted; upload PDF (application/pdf), JPEG (image/jpeg) or PNG (image/png).");
    public static readonly LocalizedText ContentMismatch = new("文件内容与类型不符", "Content does not match its type");
    public static LocalizedText ContentMismatchDetail(string type) => new($"文件声明为 {type}，但内容不是。", $"The file is declared as {type} but its content is not.");
    public static readonly LocalizedText FileTooLarge = new("文件过大", "File too large");
    public static LocalizedText FileTooLargeDetail(long max) => new($"每份材料最大 {max} 字节。", $"A material may have at most {max} bytes.");
    public static readonly LocalizedText UnknownTask = new("没有这项任务", "Unknown task");
    public static LocalizedText UnknownTaskDetail(Guid id) => new($"没有编号为 {id} 的任务。", $"There is no task {id}.");
    public static readonly LocalizedText OtherDepartment = new("其他部门的任务", "Another department's task");
    public static LocalizedText OtherDepartmentDetail(string department) => new($"审核人员只能查看和办理本部门的任务，这是 {department} 的任务。", $"Reviewers see and decide only their own department's tasks; this is {department}'s.");
    public static readonly LocalizedText NoCalendar = new("没有该年度的日历", "No calendar for this year");
    public static LocalizedText NoCalendarDetail(int year) => new($"{year} 年的节假日日历尚未保存，请先用 PUT 上传。", $"The holiday calendar of {year} is not stored; PUT it first.");
    public static readonly LocalizedText UnknownSource = new("没有这个共享数据来源", "Unknown shared-data source");
    public static LocalizedText UnknownSourceDetail(string source, string all) => new($"“{source}”不是共享数据来源，可选：{all}。", $"'{source}' is not a source; one of: {all}");
    public static readonly LocalizedText JsonOrCsv = new("请以 application/json 或 text/csv 发送记录。", "Send the records as application/json or text/csv.");
    public static readonly LocalizedText BadRequest = new("请求有误", "Bad request");
    public static readonly LocalizedText NoReformBaseline = new("这个事项包没有改革基线", "No reform baseline for this bundle");
    public static LocalizedText NoReformBaselineDetail(string code) => new($"事项包 {code} 没有 reform.yaml（分别办理的基线和参照申请人），无法计算改革成效。", $"Bundle {code} has no reform.yaml (the baseline of separate applications and the reference applicant).");
    public static LocalizedText NotAfter(string other) => new($"不能晚于 {other}", $"must not be after {other}");
    public static LocalizedText WholeNumberBetween(int min, int max) => new($"须为 {min} 至 {max} 的整数", $"must be a whole number from {min} to {max}");
    public static LocalizedText DraftDoesNotCompile(string problem) => new($"草案规则无法编译：{problem}", $"the draft rules do not compile: {problem}");
    public static LocalizedText NotBeforeToday(DateOnly today) => new($"不能早于今天（{today:yyyy-MM-dd}）：已受理的申请不受新版本影响，新版本只能从今天或以后生效", $"may not be before today ({today:yyyy-MM-dd}): a published version applies to new applications from today or later");
    public static readonly LocalizedText VersionExists = new("这个版本已经存在", "Version exists");
    public static LocalizedText VersionExistsDetail(string version) => new($"草案与已记录的版本 {version} 内容相同，无需再次发布。", $"The draft has the same content as the recorded version {version}; there is nothing to publish.");
    public static readonly LocalizedText VersionChanged = new("现行版本已变更", "Version in force changed");
    public static LocalizedText VersionChangedDetail(string basedOn, string inForce) => new($"草案基于版本 {basedOn}，但现行版本已是 {inForce}，请基于现行版本重新起草。", $"The draft is based on {basedOn} but {inForce} is now in force; draft again from the version in force.");
    public static readonly LocalizedText ChangesRequired = new("必填：由 { parameter, from, value } 组成的列表", "is required: a list of { parameter, from, value }");
    public static LocalizedText AtMostChanges(int max) => new($"最多 {max} 项变更", $"must have at most {max} changes");
    public static readonly LocalizedText ChangeMustBeObject = new("须为对象 { parameter, from, value }", "must be an object { parameter, from, value }");
    public static LocalizedText NotAParameter(string all) => new($"不是本事项包的参数，可选：{all}", $"is not a parameter of this bundle; one of: {all}");
    public static readonly LocalizedText MustBeTrueOrFalse = new("须为 true 或 false", "must be true or false");
    public static readonly LocalizedText MustBeAmount = new("须为 0 至 1000000000 的数字", "must be a number from 0 to 1000000000");
    public static LocalizedText PeriodTooLong(int days) => new($"统计区间最长 {days} 天", $"the period may span at most {days} days");

    // ---- titles of refusals by the workflow runtime (409, 404)
    public static LocalizedText WaitingFor(string? item) => new($"须先办结 {item}", $"Waiting for {item}");
    public static readonly LocalizedText SecondSupplement = new("已经要求过补正（一次性告知）", "Supplement already requested (一次性告知)");
    public static readonly LocalizedText TaskNotOpen = new("任务不在待办状态", "Task is not open");
    public static readonly LocalizedText ActionNotAllowed = new("当前不允许此操作", "Action not allowed now");
    public static readonly LocalizedText NotAwaitingSupplement = new("没有待补正的材料", "Not waiting for a supplement");
    public static readonly LocalizedText AlreadyDecided = new("已经作出决定", "Already decided");
    public static readonly LocalizedText NotFound = new("未找到", "Not found");
    public static readonly LocalizedText Refused = new("操作被拒绝", "Refused");

    /// <summary>Titles of the problems the framework writes itself (unmatched routes, authentication, crashes), by status code.</summary>
    public static LocalizedText? StatusTitle(int status) => status switch
    {
        400 => BadRequest,
        401 => new("未登录或令牌无效", "Unauthorized"),
        403 => Forbidden,
        404 => new("未找到", "Not Found"),
        405 => new("不支持此请求方法", "Method Not Allowed"),
        406 => new("无法提供所要求的格式", "Not Acceptable"),
        409 => new("冲突", "Conflict"),
        413 => new("请求内容过大", "Payload Too Large"),
        415 => UnsupportedMediaType,
        422 => new("无法处理", "Unprocessable Entity"),
        429 => new("请求过于频繁", "Too Many Requests"),
        500 => new("服务器内部错误", "An error occurred while processing your request."),
        503 => new("服务暂不可用", "Service Unavailable"),
        _ => null,
    };

    // ---- field-level validation messages
    public static readonly LocalizedText Required = new("必填", "is required");
    public static readonly LocalizedText MustBeString = new("须为字符串", "must be a string");
    public static readonly LocalizedText MustBeObject = new("须为 JSON 对象", "must be a JSON object");
    public static readonly LocalizedText MustBeArray = new("须为 JSON 数组", "must be a JSON array");
    public static readonly LocalizedText MustBeBool = new("须为 true 或 false", "must be true or false");
    public static readonly LocalizedText MustBeWholeNumber = new("须为整数", "must be a whole number");
    public static readonly LocalizedText MustBeNumber = new("须为数字", "must be a number");
    public static readonly LocalizedText MustBeDate = new("须为日期，格式如 2026-11-22", "must be a date like 2026-11-22");
    public static readonly LocalizedText MustNotBeEmpty = new("不能为空", "must not be empty");
    public static readonly LocalizedText MustBeJson = new("须为 application/json", "must be application/json");
    public static LocalizedText NotValidJson(string problem) => new($"不是有效的 JSON（{problem}）", $"is not valid JSON ({problem})");
    public static LocalizedText NotAField(string expected) => new($"不是本请求的字段（可用字段：{expected}）", $"is not a field of this request (expected {expected})");
    public static LocalizedText OneOf(IEnumerable<string> values) => new($"须为以下之一：{string.Join("、", values)}", $"must be one of: {string.Join(", ", values)}");
    public static LocalizedText AtMostChars(int max) => new($"最多 {max} 个字符", $"must have at most {max} characters");
    public static LocalizedText AtLeastChars(int min) => new($"至少 {min} 个字符", $"must have at least {min} characters");
    public static LocalizedText RequiredTo(string action) => new($"执行 {action} 时必填", $"is required to {action}");
    public static LocalizedText HeaderRequired(string header, string channel) => new($"{channel} 渠道必须提供 {header} 请求头", $"the {header} header is required for the {channel} channel");
    public static readonly LocalizedText KioskChannel = new("自助终端只能通过 kiosk 渠道提交", "a kiosk submits on the kiosk channel");
    public static readonly LocalizedText ClerkChannel = new("窗口人员只能通过 window 渠道提交", "a clerk submits on the window channel");
    public static readonly LocalizedText ApplicantChannel = new("申请人只能通过 online 或 mobile 渠道提交", "an applicant submits online or on mobile");
    public static readonly LocalizedText NoApplicant = new("未填写申请人或法定代表人", "names no applicant or legal representative");
    public static readonly LocalizedText ScoreRange = new("须为 1 到 5 的整数", "must be a whole number from 1 to 5");
    public static readonly LocalizedText MaterialCodes = new("须为材料代码的数组", "must be an array of material codes");
    public static readonly LocalizedText AtLeastOneMaterial = new("至少列出一项材料", "must name at least one material");
    public static LocalizedText UnreadableMultipart(string problem) => new($"无法读取 multipart 请求体（{problem}）", $"the multipart body could not be read ({problem})");
    public static readonly LocalizedText FileRequired = new("须在表单字段 `file` 中提供非空文件", "a non-empty file in the form field `file` is required");
    public static LocalizedText NoOutputs(string kind) => new($"{kind} 不记录任何结果", $"a {kind} records no outputs");
    public static LocalizedText NotAnOutput(string kind, string allowed) => new($"{kind} 不记录此项（可记录：{allowed}）", $"is not recorded by a {kind} (records: {allowed})");
    public static readonly LocalizedText NotDisabledAlone = new("评定为不属于残疾时，不记录类别和等级", "not disabled records neither category nor grade");
    public static LocalizedText CategoryOneOf(IEnumerable<string> values) => new($"须为以下之一：{string.Join("、", values)}（或记录 notDisabled: true）", $"must be one of: {string.Join(", ", values)} (or record notDisabled: true)");
    public static readonly LocalizedText GradeRange = new("须为 1（最重）到 4 的整数", "must be a whole number from 1 (most severe) to 4");
    public static readonly LocalizedText FullOrPartial = new("须为 full 或 partial", "must be full or partial");
    public static readonly LocalizedText AtLeastOne = new("须不小于 1", "must be at least 1");
    public static LocalizedText PageRange(int max) => new($"须为 1 到 {max}", $"must be from 1 to {max}");
    public static LocalizedText DatabaseBusyDetail(int seconds) => new($"数据库繁忙，请 {seconds} 秒后重试。", $"The database is busy; retry after {seconds} seconds.");
    public static readonly LocalizedText BodyTooLarge = new("请求内容过大", "Request body too large");
    public static LocalizedText BodyTooLargeDetail(long limit) => new($"此接口的请求内容最多 {limit} 字节。", $"This endpoint accepts a body of at most {limit} bytes.");
    public static readonly LocalizedText TooManyRequests = new("请求过于频繁", "Too many requests");
    public static LocalizedText TooManyRequestsDetail(int seconds) => new($"已达到此客户端的请求上限，请 {seconds} 秒后再试。", $"This client has reached its limit; retry after {seconds} seconds.");
    public static readonly LocalizedText PageSizeRange = new("须为 1 到 100", "must be from 1 to 100");

    // ---- the one form (FormValidator)
    public static LocalizedText FieldRequired(LocalizedText label) => new($"请填写{label.Zh}", $"{label.En} is required");
    public static LocalizedText FieldRequiredWhen(LocalizedText label, string when) => new($"当 {when} 时须填写{label.Zh}", $"{label.En} is required when {when}");
    public static readonly LocalizedText NotAFormField = new("不是本表单的字段", "is not a field of this form");
    public static LocalizedText AtLeastEntries(int min) => new($"至少 {min} 项", $"must have at least {min} entries");
    public static readonly LocalizedText OutOfRange = new("超出范围", "is out of range");
    public static LocalizedText AtLeast(string min) => new($"须不小于 {min}", $"must be at least {min}");
    public static LocalizedText AtMost(string max) => new($"须不大于 {max}", $"must be at most {max}");
    public static LocalizedText GreaterThan(string min) => new($"须大于 {min}", $"must be greater than {min}");
    public static LocalizedText MustAddUpTo(string field, string total, string sum) => new($"{field} 之和须为 {total}（现为 {sum}）", $"{field} must add up to {total} (they add up to {sum})");
    public static readonly LocalizedText InvalidIdNumber = new("不是有效的居民身份证号码（GB 11643：17 位数字、有效的出生日期和正确的校验码）", "is not a valid resident ID number (GB 11643: 17 digits, a valid birth date and the right check character)");
    public static readonly LocalizedText InvalidCreditCode = new("不是有效的统一社会信用代码（GB 32100：18 位，校验码正确）", "is not a valid unified social credit code (GB 32100: 18 characters with the right check character)");
    public static readonly LocalizedText InvalidMobile = new("须为以 1 开头的 11 位手机号码", "must be an 11-digit mobile number starting with 1");
    public static readonly LocalizedText InvalidRegion = new("须为 6 位行政区划代码", "must be a 6-digit administrative division code");
    public static readonly LocalizedText CertificateFormat = new("须为 20 位：持证人身份证号码 + 残疾类别（1-7）+ 残疾等级（1-4）", "must be 20 characters: the holder's ID number, a category digit (1-7) and a grade digit (1-4)");
    public static readonly LocalizedText CertificateOfApplicant = new("须以申请人的身份证号码开头", "must begin with the applicant's ID number");
    // ---- proactive matching (免申即享)
    public static readonly LocalizedText UnknownMatchingRun = new("没有这次匹配", "Unknown matching run");
    public static LocalizedText UnknownMatchingRunDetail(string bundle, Guid id) => new($"事项包“{bundle}”没有编号为 {id} 的匹配。", $"Bundle '{bundle}' has no matching run {id}.");
    public static readonly LocalizedText MatchingRunActive = new("已有匹配在进行", "A matching run is in progress");
    public static LocalizedText MatchingRunActiveDetail(string url) => new($"本事项包已有一次匹配尚未结束：{url}，结束后再发起。", $"This bundle has a run that has not ended: {url}. Start another once it has.");
    public static readonly LocalizedText MatchingRunNotFinished = new("匹配尚未完成", "Matching run not finished");
    public static readonly LocalizedText MatchingRunNotFinishedDetail = new("匹配完成后才能发出邀请。", "Invitations are created once the run has finished.");
    public static readonly LocalizedText NotAPersonBundle = new("须为以居民身份证号申请的事项包（applicant.idNumber），共享数据按人匹配", "must be a bundle applied for by a person (applicant.idNumber): the registry is matched person by person");
    public static LocalizedText Invitation(LocalizedText bundle, IEnumerable<LocalizedText> items) => new(
        $"根据共享数据，您可能符合{bundle.Zh}中以下事项的条件：{string.Join("、", items.Select(i => i.Zh))}。欢迎申请（一次申请、一套材料）。",
        $"From shared data you may qualify for these items of {bundle.En}: {string.Join(", ", items.Select(i => i.En))}. You are welcome to apply (one application, one set of materials).");
}

/// <summary>
/// The detail of a refusal by the workflow runtime: the runtime states it in English for the log
/// (<see cref="Refusal.Reason"/>); the Chinese says the same for the kind of refusal and the item concerned.
/// </summary>
public static class RefusalTexts
{
    public static LocalizedText Detail(Refusal refusal)
    {
        var item = refusal.ItemCode;
        var zh = refusal.Kind switch
        {
            RefusalKind.NotFound => item is null ? "没有找到所指的任务或申请。" : $"本申请中没有事项 {item}。",
            RefusalKind.TaskNotOpen => "此任务当前不能办理（已办结、已取消或刚被他人修改），请重新读取任务。",
            RefusalKind.ActionNotAllowed when refusal.Reason.Contains("public notice", StringComparison.Ordinal) => $"事项 {item} 不在公示期内，不能登记异议。",
            RefusalKind.ActionNotAllowed => "此任务当前不允许该操作，可用的操作见任务的 actions。",
            RefusalKind.PrerequisiteUndecided => $"须先对事项 {item} 作出决定，才能办理此任务。",
            RefusalKind.SecondSupplement => $"{(item is null ? "本申请" : "事项 " + item)}已经要求过一次补正（一次性告知），不能再次要求。",
            RefusalKind.InvalidDecision => "决定内容不完整或有误，请检查 reason、materials 和 outputs。",
            RefusalKind.NotAwaitingSupplement => item is null ? "本申请没有待补全的材料。" : $"事项 {item} 没有待补正的材料。",
            RefusalKind.AlreadyDecided => item is null ? "所有事项都已作出决定。" : $"事项 {item} 已经作出决定。",
            _ => "操作被拒绝。",
        };
        return new LocalizedText(zh, refusal.Reason);
    }
}

/// <summary>Why an item ended without being granted, and what notifications say.</summary>
public static class OutcomeTexts
{
    private static string Trim(string s) => s.TrimEnd('。', '.', ' ');

    public static LocalizedText RefusedBy(LocalizedText department, LocalizedText reason) =>
        new($"{department.Zh}不予批准，理由：{Trim(reason.Zh)}。", $"Refused by {department.En}: {Trim(reason.En)}.");
    public static LocalizedText RefusedWithoutReason(LocalizedText department) => new($"{department.Zh}不予批准。", $"Refused by {department.En}.");
    public static readonly LocalizedText NotDisabled = new("经指定医院评定，申请人不属于残疾，因此不予核发残疾人证。",
        "The designated hospital assessed the applicant as not disabled, so no disability certificate is issued.");
    public static LocalizedText NotAccepted(LocalizedText reason) => new($"服务大厅不予受理，理由：{Trim(reason.Zh)}。", $"Not accepted by the service hall: {Trim(reason.En)}.");
    public static LocalizedText WithdrawnBecause(LocalizedText reason) => new($"申请人已撤回，原因：{Trim(reason.Zh)}。", $"Withdrawn by the applicant: {Trim(reason.En)}.");
    public static readonly LocalizedText Withdrawn = new("申请人已撤回。", "Withdrawn by the applicant.");
    public static LocalizedText Revoked(LocalizedText department, string? findings) => findings is { Length: > 0 }
        ? new($"后续检查未通过，{department.Zh}已撤销，检查意见：{Trim(findings)}。", $"Revoked by {department.En} after the follow-up check failed: {Trim(findings)}.")
        : new($"后续检查未通过，{department.Zh}已撤销。", $"Revoked by {department.En} after the follow-up check failed.");
    public static LocalizedText PrerequisiteNotGranted(LocalizedText prerequisite, string code) =>
        new($"本事项以{prerequisite.Zh}（{code}）为前提，而{prerequisite.Zh}未获批准，因此本事项不能办理。",
            $"This item requires {prerequisite.En} ({code}), which was not granted, so this item cannot be granted.");
    public static readonly LocalizedText NeedsInformation = new("尚缺信息：", "Needs information:");
    public static readonly LocalizedText NotPartOfApplication = new("本事项不在此次申请范围内。", "Not part of this application.");
    public static readonly LocalizedText NotEligible = new("不符合办理条件。", "Not eligible.");
    public static readonly LocalizedText NotApplicable = new("无需办理。", "Not applicable.");

    // ---- notifications
    public static LocalizedText Result(string receipt, IEnumerable<(LocalizedText Name, string Result, string? Number, LocalizedText? Reason)> items)
    {
        var list = items.ToList();
        string Zh((LocalizedText Name, string Result, string? Number, LocalizedText? Reason) i) => i.Name.Zh + "：" + i.Result switch
        {
            "granted" => "已批准" + (i.Number is null ? "" : $"（编号 {i.Number}）"),
            "notApplicable" => "无需办理",
            "withdrawn" => "已撤回",
            _ => "未获批准" + (i.Reason is null ? "" : $"（{Trim(i.Reason.Zh)}）"),
        };
        string En((LocalizedText Name, string Result, string? Number, LocalizedText? Reason) i) => i.Name.En + ": " + i.Result switch
        {
            "granted" => "granted" + (i.Number is null ? "" : $" (number {i.Number})"),
            "notApplicable" => "not applicable",
            "withdrawn" => "withdrawn",
            _ => "not granted" + (i.Reason is null ? "" : $" ({Trim(i.Reason.En)})"),
        };
        return new($"您的申请（受理编号 {receipt}）已办结：{string.Join("；", list.Select(Zh))}。",
            $"Your application {receipt} is complete: {string.Join("; ", list.Select(En))}.");
    }

    public static LocalizedText TaskKind(string kind) => kind switch
    {
        "acceptance" => new("受理审核", "acceptance review"),
        "review" => new("审核", "review"),
        "assessment" => new("评定", "assessment"),
        "inspection" => new("检查", "inspection"),
        "verification" => new("核查", "verification"),
        "decision" => new("决定", "decision"),
        "flagReview" => new("复核", "flag review"),
        _ => LocalizedText.Same(kind),
    };

    public static LocalizedText Reminder(LocalizedText item, LocalizedText kind, DateOnly? due) =>
        new($"提醒：{item.Zh}的{kind.Zh}任务将于 {due:yyyy-MM-dd} 到期，已用去八成办理时限。", $"Reminder: the {kind.En} of {item.En} is due on {due:yyyy-MM-dd}; 80 % of its time has passed.");
    public static LocalizedText Escalation(LocalizedText item, LocalizedText kind, DateOnly? due) =>
        new($"督办：{item.Zh}的{kind.Zh}任务已超过 {due:yyyy-MM-dd} 的办理时限。", $"Overdue: the {kind.En} of {item.En} was due on {due:yyyy-MM-dd}.");
    public static LocalizedText Supplement(LocalizedText? item, LocalizedText materials, LocalizedText reason) => item is null
        ? new($"请补全申请材料：{materials.Zh}。理由：{Trim(reason.Zh)}。", $"Please complete your application with: {materials.En}. Reason: {Trim(reason.En)}.")
        : new($"{item.Zh}需要补正材料：{materials.Zh}。理由：{Trim(reason.Zh)}。办理时限暂停，补正后继续计算。",
            $"{item.En} needs these materials: {materials.En}. Reason: {Trim(reason.En)}. Its clock is paused until you supply them.");
    public static LocalizedText ReviewFlag(LocalizedText item, string why) =>
        new($"关联事项发生变化，{item.Zh}需要复核（{Trim(why)}）。", $"{item.En} needs a review: {Trim(why)}.");
    public static LocalizedText PublicNotice(LocalizedText item, string message) => message.StartsWith("the assessed category and grade are on public notice", StringComparison.Ordinal)
        ? new($"{item.Zh}：残疾评定结果（类别和等级）进入公示，公示期 5 个工作日，期间可以提出异议。", $"{item.En}: {message}.")
        : new($"{item.Zh}：{message}", $"{item.En}: {message}");
    public static LocalizedText Complaint(int score, string? comment) => new($"评价 {score} 分：{comment}", $"Rating {score}: {comment}");
}
