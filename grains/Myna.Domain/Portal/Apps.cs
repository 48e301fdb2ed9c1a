using System.Collections.Immutable;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Portal;

namespace Myna.Domain.Portal;

public sealed record AppState : IAggregateState<AppState, IAppEvent>
{
    public static AppState Initial { get; } = new();

    public bool IsRegistered { get; init; }
    public string AppId { get; init; } = string.Empty;
    public string Name { get; init; } = string.Empty;
    public ImmutableList<AppItem> AllowedItems { get; init; } = [];
    public DateTimeOffset RegisteredAt { get; init; }

    public AppState Apply(IAppEvent @event) => @event switch
    {
        ThirdPartyAppRegistered e => this with
        {
            IsRegistered = true,
            AppId = e.AppId,
            Name = e.Name,
            AllowedItems = [.. e.AllowedItems],
            RegisteredAt = e.OccurredAt,
        },
        _ => this,
    };
}

/// <summary>Third-party apps an operator registers: a name and the items they may ever ask residents for.</summary>
public static class AppDecider
{
    public const int MaxNameLength = 100;

    public static Decision<IAppEvent> Register(AppState state, string appId, RegisterApp command, DateTimeOffset now, Actor actor)
    {
        if (!PortalDecider.IsAppId(appId))
        {
            return DomainError.Validation("app.invalid-id", $"An app id is 1 to {PortalDecider.MaxAppIdLength} lower-case letters, digits and '-', starting with a letter.");
        }
        var name = command.Name?.Trim() ?? string.Empty;
        if (!DisplayText.Fits(name, MaxNameLength))
        {
            return DomainError.Validation("app.invalid-name", $"An app name is 1 to {MaxNameLength} printable characters (no control or invisible formatting characters).");
        }
        if (command.AllowedItems is null || command.AllowedItems.Count == 0
            || command.AllowedItems.Distinct().Count() != command.AllowedItems.Count || !command.AllowedItems.All(Enum.IsDefined))
        {
            return DomainError.Validation("app.invalid-items", "List the items the app may ask for, each once.");
        }
        if (state.IsRegistered)
        {
            return state.Name == name && state.AllowedItems.Order().SequenceEqual(command.AllowedItems.Order())
                ? Decision<IAppEvent>.Accept()
                : DomainError.Conflict("app.already-registered", "An app is registered under this id already.");
        }
        return Decision<IAppEvent>.Accept(new ThirdPartyAppRegistered(appId, name, command.AllowedItems.Order().ToList(), now, actor));
    }

    public static Result<AppView> ToView(AppState state, long version) =>
        state.IsRegistered
            ? Result<AppView>.Ok(new AppView(state.AppId, state.Name, state.AllowedItems, state.RegisteredAt, version))
            : PortalErrors.AppNotFound;
}
