using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Myna.EventStore.Projections;

/// <summary>
/// A lookup index whose row is a pure function of one event type: each event stores (upserts) its row, keyed
/// by what the event names. Registered inline (<c>MartenSetup</c>): the row is written in the transaction that
/// appends the event. A rebuild (<c>MartenIndexRebuilder</c>) folds <typeparamref name="TEvent"/> through
/// <see cref="RowFor"/> and replaces the rows that differ, never emptying the table under its readers.
/// </summary>
public abstract class IndexProjection<TEvent, TRow> : EventProjection
    where TEvent : notnull
    where TRow : notnull
{
    protected IndexProjection(string name)
    {
        Name = name;
        IncludeType<TEvent>();
        RegisterPublishedType(typeof(TRow));
    }

    /// <summary>The row the event makes.</summary>
    protected abstract TRow RowOf(TEvent e);

    /// <summary>The row the event makes, for a rebuild's fold.</summary>
    public TRow RowFor(TEvent e) => RowOf(e);

    public sealed override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is TEvent data)
        {
            operations.Store(RowOf(data));
        }
        return ValueTask.CompletedTask;
    }
}
