using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Matching;

internal static class MatchingModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<MatchingRun>(e =>
        {
            e.ToTable("matching_runs");
            e.HasKey(r => r.Id);
            e.Property(r => r.BundleCode).HasMaxLength(64);
            e.Property(r => r.BundleVersion).HasMaxLength(64);
            e.Property(r => r.State).HasMaxLength(16);
            e.Property(r => r.Cursor).HasMaxLength(64);
            e.Property(r => r.StartedBy).HasMaxLength(64);
            e.Property(r => r.Error).HasMaxLength(400);
            e.HasIndex(r => r.State);
            e.HasIndex(r => new { r.BundleCode, r.CreatedAt });
        });

        model.Entity<MatchingMatch>(e =>
        {
            e.ToTable("matching_matches");
            e.Property(m => m.SubjectHash).HasMaxLength(64);
            e.Property(m => m.MaskedName).HasMaxLength(40);
            e.Property(m => m.MaskedId).HasMaxLength(20);
            e.HasOne<MatchingRun>().WithMany().HasForeignKey(m => m.RunId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(m => new { m.RunId, m.SubjectHash }).IsUnique();
        });

        model.Entity<MatchingInvitation>(e =>
        {
            e.ToTable("matching_invitations");
            e.Property(i => i.BundleCode).HasMaxLength(64);
            e.Property(i => i.SubjectHash).HasMaxLength(64);
            e.HasIndex(i => new { i.BundleCode, i.SubjectHash }).IsUnique();
            e.HasIndex(i => new { i.SubjectHash, i.CreatedAt });
            e.HasIndex(i => i.RunId);
        });
    }
}
