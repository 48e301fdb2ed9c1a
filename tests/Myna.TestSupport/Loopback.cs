using System.Net;
using System.Net.Sockets;

namespace Myna.TestSupport;

public static class Loopback
{
    /// <summary>A loopback port free at this moment (another process may still take it before it is bound).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
