using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Myna.IntegrationTests.Support;

/// <summary>Keeps every log line a host writes (message, scopes, exception) so that tests can search them.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    line.Append(" |").Append(key).Append('=').Append(value);
                }
            }
            owner._scopes.ForEachScope((scope, builder) =>
            {
                builder.Append(" [");
                if (scope is IEnumerable<KeyValuePair<string, object>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        builder.Append(key).Append('=').Append(value).Append(' ');
                    }
                }
                else
                {
                    builder.Append(scope);
                }
                builder.Append(']');
            }, line);
            if (exception is not null)
            {
                line.Append('\n').Append(exception);
            }
            owner._lines.Enqueue(line.ToString());
        }
    }
}
