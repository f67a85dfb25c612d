// Chinese first; English by the switch in the header. The choice is sent to the API as Accept-Language.
const dict = {
  zh: {
    appName: '一件事 · 集成审批', skip: '跳到主要内容', language: 'English', languageLabel: '切换到英文',
    navDesk: '综合窗口', navInbox: '部门审批', navPortal: '群众办事', navKiosk: '自助终端', navAdmin: '系统管理', navSignIn: '登录',
    signedInAs: '当前身份', signOut: '退出', notSignedIn: '未登录',
    signInTitle: '登录', tokenLabel: '访问令牌（JWT）', tokenHelp: '由管理员使用 token 命令签发的令牌，粘贴后登录。', signIn: '登录',
    badToken: '令牌无法识别', demoTitle: '演示登录（仅限开发/演示环境）', demoHelp: '此入口由设置 Ui:DemoSignIn 开启，生产环境不可用。',
    role: '角色', department: '部门', subject: '身份证号 / 统一社会信用代码', demoSignIn: '以演示身份登录',
    roles: { applicant: '申请人', clerk: '窗口人员', kiosk: '自助终端', reviewer: '部门审批人员', admin: '管理员' },
    needRole: '此页面需要以下身份登录：', goSignIn: '去登录',
    bundle: '一件事', chooseBundle: '请选择要办理的一件事', required: '必填', optional: '选填', yes: '是', no: '否', choose: '请选择',
    addInvestor: '添加一行', remove: '删除', sum: '合计', sumMust: '合计须为 {total}', hasObject: '填写{label}',
    notice: '一次告知', noticeWaiting: '请补全以下信息后显示一次告知：', noticePending: '填写表单后，这里显示一次告知（事项、结果和材料清单）。', colon: '：', noticeItems: '事项', noticeMaterials: '材料清单（一次告知）',
    outcome: '结果', reasons: '理由', requiredFor: '用于', materialStatus: '状态', waivedBy: '免交依据',
    outcomes: { eligible: '符合条件', ineligible: '不符合条件', conditional: '有条件符合', notApplicable: '不适用', needsInformation: '需补充信息' },
    matStatus: { required: '需提交', waived: '免交' },
    waiver: { bundle: '本次一并办理的事项 {x} 产生', 'identity-verified': '身份已现场核验', shared: '共享数据（{x}）', 'one-form': '已在一表中签署' },
    submit: '提交申请', submitting: '正在提交…', submitted: '已受理', receiptNo: '受理编号', print: '打印回执',
    receiptTitle: '受理回执', receiptDate: '受理时间', startedItems: '已启动事项', materialsToUpload: '需提交材料', applicantSign: '申请人签字', clerkSign: '窗口人员',
    lookup: '按受理编号查询', lookupLabel: '受理编号', find: '查询', newApplication: '新的申请',
    fixErrors: '请更正标红的字段', errorsFromServer: '服务器指出的问题',
    status: '状态', dueDate: '承诺期限', statutoryDue: '法定期限', paused: '已暂停（补正中）', usedDays: '已用工作日', number: '证照编号',
    timeline: '办理过程', items: '事项', tasks: '任务', materials: '材料', combined: '统一出件', result: '结果',
    appStatus: { awaitingAcceptance: '待受理', running: '办理中', completed: '已办结', refused: '不予受理', withdrawn: '已撤回' },
    itemStatus: { pending: '等待中', active: '办理中', awaitingSupplement: '待补正', ended: '已办结' },
    itemOutcome: { granted: '准予', refused: '不予批准', notGranted: '不予批准', notApplicable: '不适用', ineligible: '不符合条件', withdrawn: '已撤回', revoked: '已撤销' },
    resultKind: { granted: '准予', refused: '不予批准', notApplicable: '不适用', withdrawn: '已撤回' },
    taskStatus: { open: '待办', waiting: '等待前置事项', done: '已办', cancelled: '已取消' },
    kinds: { acceptance: '受理', review: '审查', assessment: '评定', inspection: '检查', verification: '现场核查', decision: '决定', flagReview: '复核提醒', complaint: '差评处理' },
    actions: { approve: '通过', reject: '驳回', requestSupplement: '一次性补正', submit: '提交', accept: '受理', resolve: '办结' },
    inbox: '待办任务', filters: '筛选', kind: '类型', sort: '排序', all: '全部', refresh: '刷新', page: '第 {p} 页，共 {t} 条',
    sorts: { dueDate: '期限由近到远', '-dueDate': '期限由远到近', createdAt: '创建时间（早）', '-createdAt': '创建时间（晚）' },
    overdue: '已超期', reminded: '临近期限', onTime: '正常', waitingFor: '等待', facts: '申请信息（本部门可见部分）',
    open: '办理', decide: '作出决定', reason: '理由', supplementMaterials: '需补正的材料', outputs: '记录结果',
    category: '残疾类别', grade: '残疾等级', notDisabled: '评定为非残疾', passed: '检查结论', passedYes: '合格', passedNo: '不合格', findings: '检查意见', level: '档次',
    decided: '已作出决定', viewMaterial: '查看', noTasks: '没有符合条件的任务', back: '返回',
    portalTitle: '我的办事', myApplications: '我的申请', saveDraft: '保存草稿', draftSaved: '草稿已保存在本浏览器', draftRestored: '已恢复保存的草稿', clearDraft: '清除草稿',
    upload: '上传', uploaded: '已上传', chooseFile: '选择文件（PDF/JPG/PNG）', supplementNeeded: '请补正以下材料', answerSupplement: '提交补正',
    withdraw: '撤回申请', withdrawReason: '撤回理由', confirmWithdraw: '确认撤回', rate: '评价', rateLabel: '满意度（1–5 分）', comment: '意见（选填）', sendRating: '提交评价', rated: '您的评价',
    stars: { 1: '非常不满意', 2: '不满意', 3: '一般', 4: '满意', 5: '非常满意' },
    kioskWelcome: '欢迎使用自助服务终端', kioskStart: '开始办理', kioskReadId: '请将身份证放在读卡区', kioskIdOk: '身份已核验：{name}', kioskIdle: '长时间无操作，{s} 秒后将清除所有信息', kioskStay: '继续办理', kioskExit: '结束并清除', kioskDone: '办理完成，请取走回执',
    kioskFind: '查询/补正', kioskFullscreen: '全屏',
    adminTitle: '系统管理', dashboard: '运行概况', sharedData: '共享数据导入', calendar: '节假日日历', versions: '一件事版本', reform: '改革成效', policy: '政策模拟与发布',
    matchingTab: '免申即享', startMatching: '开始匹配', matchingHelp: '按事项包的规则逐人核对共享数据（人口库、民政、残联电子证照、人社养老），列出符合条件但尚未申请的人员（仅显示脱敏姓名和证件号），可向其发送申请邀请。', asOf: '核对日期', matches: '符合条件的人员', matchRef: '标识', maskedName: '姓名（脱敏）', maskedId: '证件号（脱敏）', invited: '已邀请', invite: '发送邀请', invitationsCreated: '新发邀请 {n} 份，已邀请过 {a} 人，已申请 {c} 人', progress: '进度', matched: '符合条件', startedAt: '开始', finishedAt: '结束', month: '月', yearUnit: '年', runState: { queued: '排队中', running: '匹配中', finished: '已完成', failed: '失败' },
    volumes: '办件量', byBundle: '按一件事', byChannel: '按渠道', byStatus: '按状态', timePerItem: '各事项用时（工作日）与法定时限',
    statutory: '法定', promised: '承诺', ended: '已办结', avgUsed: '平均用时', maxUsed: '最长用时', overStatutory: '超法定时限', openCount: '在办', satisfaction: '满意度', ratings: '评价数', average: '平均分',
    source: '数据源', replace: '替换该数据源全部记录', format: '格式', importData: '导入', records: '记录数', imported: '已导入 {n} 条',
    year: '年份', load: '读取', save: '保存', saved: '已保存', current: '当前生效', pinned: '引用的申请', files: '文件', loadedAt: '载入时间', version: '版本',
    channels: { window: '窗口', online: '网上', mobile: '移动端', kiosk: '自助终端' },
    problem: { 400: '填写有误', 401: '请先登录', 403: '无权操作', 404: '未找到', 409: '当前不能这样操作', 413: '内容过大', 415: '文件类型不支持', 422: '无法办理', 429: '请求过于频繁，请稍后再试', 500: '服务器出错', 0: '无法连接服务器' },
    retryAfter: '请在 {s} 秒后重试', close: '关闭', loading: '加载中…', none: '无',
  },
  en: {
    appName: 'One Thing · Integrated approval', skip: 'Skip to main content', language: '中文', languageLabel: 'Switch to Chinese',
    navDesk: 'Window desk', navInbox: 'Department inbox', navPortal: 'Citizen portal', navKiosk: 'Kiosk', navAdmin: 'Admin', navSignIn: 'Sign in',
    signedInAs: 'Signed in as', signOut: 'Sign out', notSignedIn: 'Not signed in',
    signInTitle: 'Sign in', tokenLabel: 'Access token (JWT)', tokenHelp: 'A token issued by an operator with the token command; paste it to sign in.', signIn: 'Sign in',
    badToken: 'The token cannot be read', demoTitle: 'Demo sign-in (development / demo only)', demoHelp: 'Enabled by the setting Ui:DemoSignIn; never available in production.',
    role: 'Role', department: 'Department', subject: 'ID number / credit code', demoSignIn: 'Sign in for the demo',
    roles: { applicant: 'Applicant', clerk: 'Window clerk', kiosk: 'Kiosk', reviewer: 'Department reviewer', admin: 'Administrator' },
    needRole: 'This page needs one of these identities:', goSignIn: 'Sign in',
    bundle: 'Bundle', chooseBundle: 'Choose what to apply for', required: 'required', optional: 'optional', yes: 'Yes', no: 'No', choose: 'Choose…',
    addInvestor: 'Add a row', remove: 'Remove', sum: 'Total', sumMust: 'must total {total}', hasObject: 'Fill in: {label}',
    notice: 'One-time notice', noticeWaiting: 'Complete these to see the one-time notice:', noticePending: 'The one-time notice (items, outcomes and the material list) appears here as you fill in the form.', colon: ': ', noticeItems: 'Items', noticeMaterials: 'Materials (one list)',
    outcome: 'Outcome', reasons: 'Reasons', requiredFor: 'For', materialStatus: 'Status', waivedBy: 'Waived because',
    outcomes: { eligible: 'Eligible', ineligible: 'Not eligible', conditional: 'Conditional', notApplicable: 'Not applicable', needsInformation: 'Needs information' },
    matStatus: { required: 'Bring', waived: 'Waived' },
    waiver: { bundle: 'produced by {x} in this application', 'identity-verified': 'identity verified on the spot', shared: 'shared data ({x})', 'one-form': 'signed inside the one form' },
    submit: 'Submit', submitting: 'Submitting…', submitted: 'Accepted', receiptNo: 'Receipt number', print: 'Print receipt',
    receiptTitle: 'Receipt', receiptDate: 'Received', startedItems: 'Items started', materialsToUpload: 'Materials to hand in', applicantSign: 'Applicant', clerkSign: 'Clerk',
    lookup: 'Look up by receipt number', lookupLabel: 'Receipt number', find: 'Find', newApplication: 'New application',
    fixErrors: 'Please correct the fields marked in red', errorsFromServer: 'Problems found by the server',
    status: 'Status', dueDate: 'Promised by', statutoryDue: 'Statutory limit', paused: 'Paused (supplement)', usedDays: 'Working days used', number: 'Number issued',
    timeline: 'Timeline', items: 'Items', tasks: 'Tasks', materials: 'Materials', combined: 'Combined result', result: 'Result',
    appStatus: { awaitingAcceptance: 'Awaiting acceptance', running: 'In progress', completed: 'Completed', refused: 'Refused', withdrawn: 'Withdrawn' },
    itemStatus: { pending: 'Pending', active: 'In progress', awaitingSupplement: 'Awaiting supplement', ended: 'Ended' },
    itemOutcome: { granted: 'Granted', refused: 'Refused', notGranted: 'Not granted', notApplicable: 'Not applicable', ineligible: 'Not eligible', withdrawn: 'Withdrawn', revoked: 'Revoked' },
    resultKind: { granted: 'Granted', refused: 'Refused', notApplicable: 'Not applicable', withdrawn: 'Withdrawn' },
    taskStatus: { open: 'Open', waiting: 'Waiting', done: 'Done', cancelled: 'Cancelled' },
    kinds: { acceptance: 'Acceptance', review: 'Review', assessment: 'Assessment', inspection: 'Inspection', verification: 'On-site verification', decision: 'Decision', flagReview: 'Flag review', complaint: 'Complaint' },
    actions: { approve: 'Approve', reject: 'Reject', requestSupplement: 'Request supplement', submit: 'Submit', accept: 'Accept', resolve: 'Resolve' },
    inbox: 'Tasks', filters: 'Filters', kind: 'Kind', sort: 'Sort', all: 'All', refresh: 'Refresh', page: 'Page {p}, {t} tasks',
    sorts: { dueDate: 'Due soonest', '-dueDate': 'Due latest', createdAt: 'Oldest', '-createdAt': 'Newest' },
    overdue: 'Overdue', reminded: 'Due soon', onTime: 'On time', waitingFor: 'Waiting for', facts: 'Application (what this department may see)',
    open: 'Open', decide: 'Decide', reason: 'Reason', supplementMaterials: 'Materials to supplement', outputs: 'Record',
    category: 'Category', grade: 'Grade', notDisabled: 'Assessed as not disabled', passed: 'Conclusion', passedYes: 'Passed', passedNo: 'Failed', findings: 'Findings', level: 'Level',
    decided: 'Decided', viewMaterial: 'View', noTasks: 'No matching tasks', back: 'Back',
    portalTitle: 'My applications', myApplications: 'My applications', saveDraft: 'Save draft', draftSaved: 'Draft saved in this browser', draftRestored: 'Saved draft restored', clearDraft: 'Discard draft',
    upload: 'Upload', uploaded: 'Uploaded', chooseFile: 'Choose a file (PDF/JPG/PNG)', supplementNeeded: 'Please supply these materials', answerSupplement: 'Send supplement',
    withdraw: 'Withdraw', withdrawReason: 'Reason for withdrawing', confirmWithdraw: 'Confirm withdrawal', rate: 'Rate', rateLabel: 'Satisfaction (1–5)', comment: 'Comment (optional)', sendRating: 'Send rating', rated: 'Your rating',
    stars: { 1: 'Very dissatisfied', 2: 'Dissatisfied', 3: 'Neutral', 4: 'Satisfied', 5: 'Very satisfied' },
    kioskWelcome: 'Welcome to the self-service kiosk', kioskStart: 'Start', kioskReadId: 'Place your ID card on the reader', kioskIdOk: 'Identity verified: {name}', kioskIdle: 'No activity: everything will be cleared in {s} s', kioskStay: 'Continue', kioskExit: 'Finish and clear', kioskDone: 'Done, please take your receipt',
    kioskFind: 'Look up / supplement', kioskFullscreen: 'Full screen',
    adminTitle: 'Administration', dashboard: 'Dashboard', sharedData: 'Shared-data import', calendar: 'Holiday calendar', versions: 'Bundle versions', reform: 'Reform figures', policy: 'Policy simulation',
    matchingTab: 'Proactive matching', startMatching: 'Start matching', matchingHelp: 'Runs the bundle’s rules person by person over shared data (population, civil affairs, disability e-certificates, pension) and lists who qualifies without having applied (masked name and ID only); you can then invite them to apply.', asOf: 'As of', matches: 'Persons who qualify', matchRef: 'Reference', maskedName: 'Name (masked)', maskedId: 'ID (masked)', invited: 'Invited', invite: 'Send invitations', invitationsCreated: '{n} invitations sent, {a} already invited, {c} have applied meanwhile', progress: 'Progress', matched: 'Qualify', startedAt: 'Started', finishedAt: 'Finished', month: 'month', yearUnit: 'year', runState: { queued: 'Queued', running: 'Running', finished: 'Finished', failed: 'Failed' },
    volumes: 'Volumes', byBundle: 'By bundle', byChannel: 'By channel', byStatus: 'By status', timePerItem: 'Working days per item against the statutory limit',
    statutory: 'Statutory', promised: 'Promised', ended: 'Ended', avgUsed: 'Average', maxUsed: 'Longest', overStatutory: 'Over statutory', openCount: 'Open', satisfaction: 'Satisfaction', ratings: 'Ratings', average: 'Average',
    source: 'Source', replace: 'Replace every record of the source', format: 'Format', importData: 'Import', records: 'Records', imported: '{n} records imported',
    year: 'Year', load: 'Load', save: 'Save', saved: 'Saved', current: 'In force', pinned: 'Applications pinned', files: 'Files', loadedAt: 'Loaded', version: 'Version',
    channels: { window: 'Window', online: 'Online', mobile: 'Mobile', kiosk: 'Kiosk' },
    problem: { 400: 'Invalid input', 401: 'Please sign in', 403: 'Not allowed', 404: 'Not found', 409: 'Not possible now', 413: 'Too large', 415: 'File type not accepted', 422: 'Cannot be processed', 429: 'Too many requests, please wait', 500: 'Server error', 0: 'Cannot reach the server' },
    retryAfter: 'Try again in {s} s', close: 'Close', loading: 'Loading…', none: 'none',
  },
};

// Labels of enum values in the two bundles' forms (the schema carries field labels only).
const enums = {
  zh: {
    'enterprise.type': { llc: '有限责任公司', 'sole-proprietorship': '个人独资企业', partnership: '合伙企业', 'individual-business': '个体工商户' },
    'venue.kind': { 'song-and-dance': '歌舞娱乐场所', 'amusement-games': '游艺娱乐场所' },
    'venue.buildingUse': { commercial: '商业用房', residential: '居民住宅', 'mixed-use-residential': '商住混合楼', 'museum-library-heritage': '博物馆、图书馆、文物建筑', 'school-hospital-government': '学校、医院、机关院内', 'transport-hub': '交通枢纽' },
    'venue.premises': { owned: '自有', leased: '租赁' },
    'fire.path': { commitment: '告知承诺', inspection: '现场检查' },
    'agent.relation': { guardian: '监护人', spouse: '配偶', parent: '父母', child: '子女', other: '其他' },
    'disability.category': { visual: '视力', hearing: '听力', speech: '言语', physical: '肢体', intellectual: '智力', mental: '精神', multiple: '多重' },
    level: { full: '全额', partial: '部分' },
  },
  en: {
    'enterprise.type': { llc: 'Limited liability company', 'sole-proprietorship': 'Sole proprietorship', partnership: 'Partnership', 'individual-business': 'Individual business' },
    'venue.kind': { 'song-and-dance': 'Song and dance (KTV, dance hall)', 'amusement-games': 'Amusement games' },
    'venue.buildingUse': { commercial: 'Commercial', residential: 'Residential', 'mixed-use-residential': 'Mixed use with homes', 'museum-library-heritage': 'Museum, library, heritage', 'school-hospital-government': 'School, hospital, government', 'transport-hub': 'Transport hub' },
    'venue.premises': { owned: 'Owned', leased: 'Leased' },
    'fire.path': { commitment: 'Commitment (告知承诺)', inspection: 'Inspection' },
    'agent.relation': { guardian: 'Guardian', spouse: 'Spouse', parent: 'Parent', child: 'Child', other: 'Other' },
    'disability.category': { visual: 'Visual', hearing: 'Hearing', speech: 'Speech', physical: 'Physical', intellectual: 'Intellectual', mental: 'Mental', multiple: 'Multiple' },
    level: { full: 'Full', partial: 'Partial' },
  },
};

const groups = {
  zh: { applicant: '申请人', agent: '代理人', disability: '残疾情况', household: '家庭情况', pension: '养老保险', payment: '发放账户', enterprise: '企业信息', venue: '场所信息', fire: '消防', declarations: '承诺', evidence: '核验' },
  en: { applicant: 'Applicant', agent: 'Agent', disability: 'Disability', household: 'Household', pension: 'Pension', payment: 'Payment', enterprise: 'Enterprise', venue: 'Venue', fire: 'Fire safety', declarations: 'Declarations', evidence: 'Verification' },
};

let lang = localStorage.getItem('lang') === 'en' ? 'en' : 'zh';

export const getLang = () => lang;
export const acceptLanguage = () => (lang === 'en' ? 'en' : 'zh-CN');
export function setLang(value) {
  lang = value === 'en' ? 'en' : 'zh';
  localStorage.setItem('lang', lang);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}

/** t('outcomes.eligible'), t('page', { p: 1, t: 9 }): the text in the current language (the key itself when missing). */
export function t(key, args) {
  let value = key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), dict[lang]);
  if (value === undefined) value = key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), dict.zh);
  if (typeof value !== 'string') return key.split('.').pop();
  return args ? value.replace(/\{(\w+)\}/g, (_, n) => (args[n] ?? '')) : value;
}

export const enumLabel = (path, value) => enums[lang][path.replace(/\[\d+\]/g, '')]?.[value] ?? value;
export const groupLabel = (key) => groups[lang][key] ?? key;
/** A bilingual pair from the API (name / nameEn; x-label { zh, en }). */
export const pick = (zh, en) => (lang === 'en' && en ? en : zh);
