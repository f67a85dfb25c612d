using Approval.Tests.Support;
using AutoMapper;

namespace Approval.Tests.Api;

public sealed class MappingConfigurationTests(SqliteApi api) : IClassFixture<SqliteApi>
{
    [Fact]
    public void AutoMapperConfiguration_AllProfiles_IsValid()
    {
        _ = api.CreateClient();
        var mapper = api.Service<IMapper>();

        mapper.ConfigurationProvider.AssertConfigurationIsValid();
    }
}
