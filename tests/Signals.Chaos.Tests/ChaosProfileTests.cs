using Signals.Chaos.Tests.Workload;

namespace Signals.Chaos.Tests;

/// <summary>The profile and seed come from environment variables; a wrong value is refused with a message that names the variable.</summary>
public sealed class ChaosProfileTests
{
    [Theory]
    [InlineData(null, "ci")]
    [InlineData("", "ci")]
    [InlineData("ci", "ci")]
    [InlineData("full", "full")]
    public void Profile_names_select_a_profile(string? value, string expected)
        => Assert.Equal(expected, ChaosProfile.Parse(value).Name);

    [Theory]
    [InlineData(null, 1_500)]
    [InlineData("full", 20_000)]
    public void SQLite_runs_take_the_SQLite_profile_of_the_name(string? value, int commits)
    {
        ChaosProfile profile = ChaosProfile.Parse(value, sqlite: true);
        Assert.Equal((value ?? "ci", commits), (profile.Name, profile.Commits));
        Assert.True(profile.Writers >= 4);
    }

    [Fact]
    public void Full_profile_is_at_least_100000_commits_by_at_least_16_writers()
    {
        Assert.True(ChaosProfile.Full.Commits >= 100_000);
        Assert.True(ChaosProfile.Full.Writers >= 16);
        Assert.True(ChaosProfile.Ci.Writers >= 16);
    }

    [Theory]
    [InlineData("FULL")]
    [InlineData("fast")]
    public void Unknown_profile_is_refused_naming_the_variable(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ChaosProfile.Parse(value));
        Assert.Equal($"SIGNALS_CHAOS_PROFILE must be 'ci' or 'full'; got '{value}'.", error.Message);
    }

    [Fact]
    public void Seed_is_an_integer_or_nothing()
    {
        Assert.Null(ChaosProfile.ParseSeed(null));
        Assert.Equal(-42, ChaosProfile.ParseSeed("-42"));
        var error = Assert.Throws<InvalidOperationException>(() => ChaosProfile.ParseSeed("soon"));
        Assert.Equal("SIGNALS_CHAOS_SEED must be an integer; got 'soon'.", error.Message);
    }
}
