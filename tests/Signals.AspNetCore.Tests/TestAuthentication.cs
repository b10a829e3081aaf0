using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Signals.AspNetCore.Tests;

/// <summary>
/// A real ASP.NET Core authentication scheme for tests: the user comes from request headers (<c>X-Test-User</c>, comma-separated
/// <c>X-Test-Roles</c>, <c>X-Test-Tenant</c> as a <c>tenant</c> claim); no header, no user.
/// </summary>
public sealed class TestAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    public static void AddTo(IServiceCollection services)
        => services.AddAuthentication(SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthentication>(SchemeName, null);

    public static void Apply(HttpRequestMessage request, string? user, string? roles = null, string? tenant = null)
    {
        if (user is not null)
        {
            request.Headers.Add("X-Test-User", user);
        }

        if (roles is not null)
        {
            request.Headers.Add("X-Test-Roles", roles);
        }

        if (tenant is not null)
        {
            request.Headers.Add("X-Test-Tenant", tenant);
        }
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? user = Request.Headers["X-Test-User"];
        if (string.IsNullOrEmpty(user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        List<Claim> claims = [new(ClaimTypes.Name, user)];
        claims.AddRange(Request.Headers["X-Test-Roles"].SelectMany(r => r!.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(r => new Claim(ClaimTypes.Role, r)));
        if (Request.Headers["X-Test-Tenant"] is [{ Length: > 0 } tenant])
        {
            claims.Add(new Claim("tenant", tenant));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
