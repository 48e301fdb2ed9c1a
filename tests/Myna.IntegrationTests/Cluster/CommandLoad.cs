using Myna.Api.Commands;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Myna.GrainInterfaces.Common;
using Myna.IntegrationTests.Support;

namespace Myna.IntegrationTests.Cluster;

/// <summary>
/// A steady load of commands (register a person, assign the number, record a move) and reads, each command
/// with its own Idempotency-Key, from a few concurrent workers. A caller that gets a 503 retries the same
/// command with the same key, as a real client does, until it is accepted or the drain deadline passes.
/// Every response is recorded so that the test can assert what callers saw.
/// </summary>
internal sealed class CommandLoad
{
    private const string Subject = "load-clerk";
    private readonly ProcessClusterFixture _cluster;
    private readonly ConcurrentQueue<Outcome> _outcomes = new();
    private readonly ConcurrentBag<IssuedCommand> _commands = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private DateTime _drainDeadline = DateTime.MaxValue;

    public CommandLoad(ProcessClusterFixture cluster) => _cluster = cluster;

    public IReadOnlyCollection<Outcome> Outcomes => _outcomes;
    public IReadOnlyCollection<IssuedCommand> Commands => _commands;

    public static CommandLoad Start(ProcessClusterFixture cluster, int workers = 3)
    {
        var load = new CommandLoad(cluster);
        for (var i = 0; i < workers; i++)
        {
            load._workers.Add(Task.Run(load.WorkAsync));
        }
        return load;
    }

    /// <summary>Stops issuing new commands; the ones in flight are retried until accepted or <paramref name="drain"/> passes.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        _drainDeadline = DateTime.UtcNow + drain;
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    /// <summary>Accepted commands so far (a way to watch throughput return without timing it).</summary>
    public int AcceptedCount => _commands.Count(c => c.Accepted);

    private async Task WorkAsync()
    {
        using var clerk = _cluster.Clerk(Subject);
        while (!_stop.IsCancellationRequested)
        {
            var register = await SendAsync(clerk, "register", null, "/v1/persons", new
            {
                name = "負荷 太郎",
                address = "東京都千代田区千代田1-1",
                dateOfBirth = "1990-04-01",
                sex = "male",
                reason = "move-in",
            });
            if (register.Body is not { } created)
            {
                continue;
            }
            var id = created.GetProperty("id").GetString()!;
            register.Command.PersonId = id;
            await SendAsync(clerk, "assign-number", id, $"/v1/persons/{id}/individual-number", null);
            await SendAsync(clerk, "move", id, $"/v1/persons/{id}/moves", new { newAddress = "東京都港区芝公園4-2-8", movedOn = "2026-11-01" });
            await ReadAsync(clerk, id);
        }
    }

    private async Task<(IssuedCommand Command, JsonElement? Body)> SendAsync(HttpClient clerk, string kind, string? personId, string url, object? body)
    {
        var key = kind + "-" + Guid.NewGuid().ToString("N");
        var command = new IssuedCommand(kind, key, CommandContextFactory.CommandIdFor(new CommandIdOptions().IdKey, "municipality", new ActorScope(Municipality: "131016"), Subject, key)) { PersonId = personId };
        _commands.Add(command);
        while (true)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url);
            request.Headers.Add("Idempotency-Key", key);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }
            var outcome = await SendOnceAsync(clerk, request, kind);
            if (outcome.Status is HttpStatusCode.OK or HttpStatusCode.Created)
            {
                command.Accepted = true;
                return (command, outcome.Body);
            }
            if (outcome.Status != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > _drainDeadline)
            {
                return (command, null);
            }
            // Retriable: same command, same key, after a short pause (the test does not wait Retry-After's 5 s).
            await Task.Delay(200);
        }
    }

    private async Task ReadAsync(HttpClient clerk, string personId) =>
        await SendOnceAsync(clerk, new HttpRequestMessage(HttpMethod.Get, $"/v1/persons/{personId}"), "read");

    private async Task<Outcome> SendOnceAsync(HttpClient client, HttpRequestMessage request, string kind)
    {
        Outcome outcome;
        var started = DateTime.UtcNow;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            JsonElement? body = text.Length > 0 && text[0] == '{' ? JsonDocument.Parse(text).RootElement.Clone() : null;
            var code = body is { } b && b.TryGetProperty("code", out var c) ? c.GetString() : null;
            outcome = new Outcome(kind, response.StatusCode, code, response.Headers.RetryAfter is not null, body, null) { StartedAt = started, Took = clock.Elapsed };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            outcome = new Outcome(kind, null, null, false, null, ex.GetType().Name) { StartedAt = started, Took = clock.Elapsed };
        }
        finally
        {
            request.Dispose();
        }
        _outcomes.Enqueue(outcome);
        return outcome;
    }

    public sealed record Outcome(string Kind, HttpStatusCode? Status, string? Code, bool RetryAfter, JsonElement? Body, string? TransportError)
    {
        public DateTime StartedAt { get; init; }

        public TimeSpan Took { get; init; }

        public bool Succeeded => Status is HttpStatusCode.OK or HttpStatusCode.Created;
    }

    /// <summary>
    /// The failover figures around <paramref name="failedAt"/> (a figure, never asserted): the longest any request
    /// in flight then or started after it waited, and how long until the successes per second were back to 90% of
    /// their rate in the 5 seconds before.
    /// </summary>
    public string FailoverFigures(DateTime failedAt)
    {
        var outcomes = _outcomes.ToArray();
        var before = outcomes.Count(o => o.Succeeded && o.StartedAt + o.Took >= failedAt.AddSeconds(-5) && o.StartedAt + o.Took < failedAt) / 5.0;
        var after = outcomes.Where(o => o.StartedAt + o.Took >= failedAt).ToArray();
        var longest = after.Length == 0 ? TimeSpan.Zero : after.Max(o => o.Took);
        string recovered = "not within the test";
        for (var second = 0; second < 120; second++)
        {
            var from = failedAt.AddSeconds(second);
            var rate = outcomes.Count(o => o.Succeeded && o.StartedAt + o.Took >= from && o.StartedAt + o.Took < from.AddSeconds(1));
            if (before > 0 && rate >= 0.9 * before)
            {
                recovered = $"{second + 1} s";
                break;
            }
        }
        return System.FormattableString.Invariant(
            $"failover: longest request wait after the kill {longest.TotalSeconds:0.0} s; successes {before:0.0}/s before, back to 90% after {recovered}; {after.Count(o => o.Status == HttpStatusCode.ServiceUnavailable)} answers 503, {after.Count(o => o.TransportError is not null)} transport errors");
    }

    public sealed class IssuedCommand(string kind, string key, Guid commandId)
    {
        public string Kind { get; } = kind;
        public string Key { get; } = key;
        public Guid CommandId { get; } = commandId;
        public string? PersonId { get; set; }
        public bool Accepted { get; set; }
    }
}
