using Myna.Domain.Tests.Support;
using Myna.Domain.EventSourcing;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Persons;
using Myna.Domain.Procedures;
using Myna.GrainInterfaces.Procedures;

namespace Myna.Domain.Tests.Procedures;

public class ProcedureSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.FromHours(9));
    private static readonly Actor Resident = new("person-1", "resident");
    private static readonly Actor Welfare = new("welfare-1", "agency");
    private static readonly Guid Id = Guid.Parse("0193a5b0-0000-7000-8000-0000000000a1");
    private static readonly PersonId Person = new(Guid.Parse("0193a5b0-0000-7000-8000-0000000000a2"));
    private static readonly AgencyCode Code = new("WELFARECODE");

    private static readonly ProvidedData BasicFour = new(Code, DataItem.BasicFourItems,
        new BasicFourItems("手続 花子", "東京都千代田区九段南1-2-1", new DateOnly(1988, 7, 7), Sex.Female), null, null);
    private static readonly ProvidedData Income = new(Code, DataItem.IncomeSummary, null, null, [new IncomeSummaryView(2025, 3_600_000, 2_100_000)]);

    private static ProcedureState Submitted() =>
        AggregateState.Fold(ProcedureState.Initial,
            ProcedureRules.Submit(ProcedureState.Initial, Id, new SubmitProcedure(Person, ProcedureKind.ChildAllowance), Code, [BasicFour, Income], Now, Resident).Events);

    [Fact]
    public void A_submission_needs_every_item_of_its_procedure_attached()
    {
        Assert.Equal("procedure.items-missing",
            ProcedureRules.Submit(ProcedureState.Initial, Id, new SubmitProcedure(Person, ProcedureKind.ChildAllowance), Code, [BasicFour], Now, Resident).Error?.Code);
        var state = Submitted();
        Assert.Equal(ProcedureStatus.Submitted, state.Status);
        Assert.Equal("welfare-office", state.Agency);
    }

    [Fact]
    public void Another_agency_cannot_act_on_it()
    {
        Assert.Equal("procedure.not-found", ProcedureRules.Accept(Submitted(), new AcceptProcedure("pension-service"), Now, Welfare).Error?.Code);
    }

    [Fact]
    public void Return_resubmit_accept_decide()
    {
        var returned = AggregateState.Fold(Submitted(), ProcedureRules.Return(Submitted(), new ReturnProcedure("welfare-office", "income missing"), Now, Welfare).Events);
        Assert.Equal(("income missing", ProcedureStatus.Returned), (returned.ReturnedBecause, returned.Status));
        Assert.Equal("procedure.wrong-status", ProcedureRules.Decide(returned, new DecideProcedure("welfare-office", ProcedureOutcome.Approved, null), Now, Welfare).Error?.Code);

        var again = AggregateState.Fold(returned, ProcedureRules.Resubmit(returned, new ResubmitProcedure(Person), [BasicFour, Income], Now, Resident).Events);
        Assert.Equal(ProcedureStatus.Submitted, again.Status);
        Assert.Null(again.ReturnedBecause);
        Assert.Equal("procedure.not-found", ProcedureRules.Resubmit(returned, new ResubmitProcedure(new PersonId(Guid.NewGuid())), [BasicFour, Income], Now, Resident).Error?.Code);

        var accepted = AggregateState.Fold(again, ProcedureRules.Accept(again, new AcceptProcedure("welfare-office"), Now, Welfare).Events);
        var decided = AggregateState.Fold(accepted, ProcedureRules.Decide(accepted, new DecideProcedure("welfare-office", ProcedureOutcome.Rejected, "over the income limit"), Now, Welfare).Events);
        Assert.Equal((ProcedureStatus.Decided, ProcedureOutcome.Rejected), (decided.Status, decided.Outcome));
    }

    [Theory]
    [MemberData(nameof(HostileText.Refused), MemberType = typeof(HostileText))]
    public void A_return_reason_and_a_decision_note_are_display_texts_the_resident_reads(string text)
    {
        Assert.Equal("procedure.invalid-reason", ProcedureRules.Return(Submitted(), new ReturnProcedure("welfare-office", text), Now, Welfare).Error?.Code);
        var accepted = AggregateState.Fold(Submitted(), ProcedureRules.Accept(Submitted(), new AcceptProcedure("welfare-office"), Now, Welfare).Events);
        var refused = ProcedureRules.Decide(accepted, new DecideProcedure("welfare-office", ProcedureOutcome.Approved, text), Now, Welfare);
        Assert.Equal("procedure.invalid-decision", refused.Error?.Code);
        Assert.Empty(refused.Events);
        Assert.Single(ProcedureRules.Decide(accepted, new DecideProcedure("welfare-office", ProcedureOutcome.Approved, null), Now, Welfare).Events);
    }
}
