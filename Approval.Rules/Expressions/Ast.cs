namespace Approval.Rules.Expressions;

internal abstract record Node(int Pos);
internal sealed record Literal(Value Value, ExprType Type, int Pos) : Node(Pos);
internal sealed record ListLiteral(IReadOnlyList<Node> Items, int Pos) : Node(Pos);
/// <summary>A dotted name: a form fact, <c>shared.*</c>, <c>param.*</c>, <c>outcome.*</c>, <c>it.*</c>, a derived or an intermediate fact.</summary>
internal sealed record PathRef(string Path, int Pos) : Node(Pos);
internal sealed record Unary(string Op, Node Operand, int Pos) : Node(Pos);
internal sealed record Binary(string Op, Node Left, Node Right, int Pos) : Node(Pos);
internal sealed record Call(string Function, IReadOnlyList<Node> Args, int Pos) : Node(Pos);
