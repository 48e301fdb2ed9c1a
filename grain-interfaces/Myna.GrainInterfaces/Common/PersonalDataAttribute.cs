namespace Myna.GrainInterfaces.Common;

/// <summary>
/// Marks a property holding personal data (the basic four items, free text about a person). In a stored
/// event of a person it is encrypted with that person's own key, so destroying the key erases it from
/// every event while the events (and their hash chain) stay.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class PersonalDataAttribute : Attribute;
