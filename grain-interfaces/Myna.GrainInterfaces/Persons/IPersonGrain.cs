using Myna.GrainInterfaces.Common;

namespace Myna.GrainInterfaces.Persons;

/// <summary>One resident: the basic four items, the Individual Number and everything recorded about them.</summary>
public interface IPersonGrain : IGrainWithGuidKey, IEventSourcedGrain
{
    [Alias("Register")]
    Task<Result<PersonProfile>> Register(CommandContext context, RegisterPerson command);

    [Alias("AssignIndividualNumber")]
    Task<Result<PersonProfile>> AssignIndividualNumber(CommandContext context, AssignIndividualNumber command);

    [Alias("RecordMove")]
    Task<Result<PersonProfile>> RecordMove(CommandContext context, RecordMove command);

    [Alias("GetProfile")]
    Task<Result<PersonProfile>> GetProfile();
}
