using System.Diagnostics;

namespace Myna.IntegrationTests.Support;

/// <summary>Runs the project's own scripts (deploy/…) as an operator would, with extra environment, bounded in time.</summary>
public static class RepoScripts
{
    public sealed record Output(string StandardOutput, string StandardError);

    public static async Task<Output> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(RepoPaths.Root, script))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{script} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:0} s: {await error}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
        return new Output(await output, await error);
    }
}
