using System.Net;
using System.Net.Sockets;

namespace Signals.Testing;

/// <summary>Free TCP ports on the loopback interface, for the servers the tests start.</summary>
public static class LoopbackPorts
{
    /// <summary>Finds a loopback port that is free now; another process may still take it before the server binds it (retry then).</summary>
    /// <returns>The port number.</returns>
    public static int FindFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
