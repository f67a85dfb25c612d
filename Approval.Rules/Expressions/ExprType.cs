namespace Approval.Rules.Expressions;

/// <summary>Static types of the rule language, checked when a rule file is loaded.</summary>
internal enum ExprType { Bool, Number, String, Date, List, Array, Object, Null }
