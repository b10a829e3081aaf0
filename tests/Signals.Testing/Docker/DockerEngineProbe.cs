namespace Signals.Testing;

/// <summary>What <see cref="DockerEngine.ProbeAsync"/> found.</summary>
/// <param name="Answers">Whether a Docker engine answered at <paramref name="Endpoint"/>.</param>
/// <param name="Endpoint">The endpoint probed (<c>unix:///var/run/docker.sock</c>, <c>tcp://host:2375</c>), or <see langword="null"/> when there was none to probe.</param>
/// <param name="Detail">What happened, for a person reading the test output: e.g. "no Docker socket at /var/run/docker.sock".</param>
public sealed record DockerEngineProbe(bool Answers, string? Endpoint, string Detail);
