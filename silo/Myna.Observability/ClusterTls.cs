using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace Myna.Observability;

/// <summary>Bound from "Cluster:Tls": TLS between silos and between clients (the API) and silos' gateways.</summary>
public sealed class ClusterTlsOptions
{
    public const string Section = "Cluster:Tls";

    public bool Enabled { get; set; }

    /// <summary>This process's certificate with its private key (PKCS#12).</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Peers accepted by certificate thumbprint (pinned; for self-signed certificates). Empty: a peer's certificate
    /// must chain to a trusted root (an internal CA); its name is not checked, since silos connect by address.
    /// </summary>
    public string[] TrustedThumbprints { get; set; } = [];
}

/// <summary>
/// Mutual TLS on every Orleans connection (Orleans' own TLS support): each side presents its certificate and
/// accepts only a trusted one, so nothing without a cluster certificate reaches a silo port or a gateway.
/// </summary>
public static class ClusterTls
{
    public static ClusterTlsOptions? Options(IConfiguration configuration) =>
        configuration.GetSection(ClusterTlsOptions.Section).Get<ClusterTlsOptions>() is { Enabled: true } options ? options : null;

    public static ISiloBuilder UseMynaTls(this ISiloBuilder silo, IConfiguration configuration) =>
        Options(configuration) is { } options ? silo.UseTls(Certificate(options), tls => Configure(tls, options)) : silo;

    public static IClientBuilder UseMynaTls(this IClientBuilder client, IConfiguration configuration) =>
        Options(configuration) is { } options ? client.UseTls(Certificate(options), tls => Configure(tls, options)) : client;

    private static X509Certificate2 Certificate(ClusterTlsOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.CertificatePath) || !File.Exists(options.CertificatePath))
        {
            throw new InvalidOperationException("Cluster:Tls:CertificatePath does not name a certificate file: TLS between silos and clients needs one.");
        }
        return X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
    }

    private static void Configure(TlsOptions tls, ClusterTlsOptions options)
    {
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (certificate, _, errors) => Trusted(options, certificate, errors);
    }

    /// <summary>A pinned thumbprint, or (with no pins) a certificate that chains to a trusted root.</summary>
    public static bool Trusted(ClusterTlsOptions options, X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }
        if (options.TrustedThumbprints.Length > 0)
        {
            return options.TrustedThumbprints.Any(t => string.Equals(t.Replace(":", string.Empty, StringComparison.Ordinal), certificate.Thumbprint, StringComparison.OrdinalIgnoreCase));
        }
        return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
    }
}
