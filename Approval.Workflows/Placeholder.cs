namespace Approval.Workflows; public static class Placeholder {}
