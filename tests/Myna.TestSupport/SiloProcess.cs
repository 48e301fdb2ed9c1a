using System.Diagnostics;
using System.Globalization;

namespace Myna.TestSupport;

/// <summary>
/// One silo PROCESS: the silo's own build (<c>dotnet Myna.Silo.dll</c>, as deploy/cluster.sh starts it) in the
/// Production environment, as the failure tests and the benchmark's scale-out run it. Its ports, its log file,
/// SIGTERM / SIGKILL by PID.
/// </summary>
public sealed class SiloProcess
{
    private readonly Process _process;

    private SiloProcess(int index, Process process, int siloPort, int httpPort, string logFile)
    {
        Index = index;
        _process = process;
        SiloPort = siloPort;
        HttpPort = httpPort;
        LogFile = logFile;
    }

    public int Index { get; }

    /// <summary>The silo-to-silo port (<c>Cluster:SiloPort</c>): the port the membership table lists it under.</summary>
    public int SiloPort { get; }

    /// <summary>Where its /health answers.</summary>
    public int HttpPort { get; }

    public string LogFile { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the build in <see cref="RepoPaths.SiloDirectory"/> with <paramref name="settings"/> as its
    /// configuration (keys as in appsettings, e.g. <c>Cluster:SiloPort</c>, which must be given: silos on one
    /// machine need ports of their own), HTTP on a free loopback port, stdout and stderr to
    /// <paramref name="logFile"/>, appended to or overwritten.
    /// </summary>
    public static SiloProcess Start(int index, IReadOnlyDictionary<string, string?> settings, string logFile, bool appendLog)
    {
        var directory = RepoPaths.SiloDirectory;
        var dll = Path.Combine(directory, "Myna.Silo.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The silo's build is missing: {dll}");
        }
        var siloPort = settings.TryGetValue("Cluster:SiloPort", out var port) && port is not null
            ? int.Parse(port, CultureInfo.InvariantCulture)
            : throw new ArgumentException("Cluster:SiloPort is not set: every silo process needs a port of its own.", nameof(settings));
        var httpPort = Loopback.FreePort();
        // exec keeps the PID: SIGTERM and SIGKILL reach the silo itself.
        var start = new ProcessStartInfo("/bin/bash") { WorkingDirectory = directory, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec dotnet Myna.Silo.dll --urls http://127.0.0.1:{httpPort} {(appendLog ? ">>" : ">")}'{logFile}' 2>&1 </dev/null");
        var env = start.Environment;
        env["DOTNET_ENVIRONMENT"] = "Production";
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            env[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        return new SiloProcess(index, process, siloPort, httpPort, logFile);
    }

    public async Task WaitUntilHealthyAsync(TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Silo process {Index} exited with {_process.ExitCode}; see {LogFile}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}/health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // busy starting
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"Silo process {Index} was not healthy within {within.TotalSeconds:0} s; see {LogFile}");
    }

    /// <summary>
    /// SIGTERM: the host stops Orleans gracefully (grains deactivate, the silo leaves membership). Returns the exit
    /// code; SIGKILL and <see cref="TimeoutException"/> if it has not exited within <paramref name="within"/>.
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"Silo process {Index} did not stop within {within.TotalSeconds:0} s of SIGTERM; see {LogFile}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL (kill -9): a crash. Idempotent.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// A teardown's stop: SIGTERM, SIGKILL if it has not exited in 20 s, then the process handle is released
    /// (the last call on this object).
    /// </summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await TerminateAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                // Killed instead: the teardown goes on.
            }
        }
        _process.Dispose();
    }
}
