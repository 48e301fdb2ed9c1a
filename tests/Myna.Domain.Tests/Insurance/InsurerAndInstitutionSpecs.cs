using Myna.Domain.Tests.Support;
using Myna.Domain.Clinics;
using Myna.Domain.EventSourcing;
using Myna.Domain.Insurance;
using Myna.GrainInterfaces.Clinics;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Insurance;

namespace Myna.Domain.Tests.Insurance;

/// <summary>The insurer's and the institution's own small lifecycles.</summary>
public class InsurerAndInstitutionSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 1, 0, 0, TimeSpan.Zero);
    private static readonly Actor Operator = new("ops-1", "operator");
    private static readonly InsurerNumber Kyokai = new("01130012");
    private static readonly string Key = Convert.ToBase64String(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfo());

    private static readonly string OtherKey = Convert.ToBase64String(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfo());

    private static InsurerState Insurer(params IInsurerEvent[] events) => AggregateState.Fold(InsurerState.Initial, events);

    [Fact]
    public void An_insurer_is_registered_suspended_resumed_and_merged_and_only_an_active_one_operates()
    {
        var registered = Insurer(new InsurerRegistered(Kyokai, "協会けんぽ東京", Now, Operator));
        var suspended = AggregateState.Fold(registered, InsurerDecider.Suspend(registered, new SuspendInsurer("audit"), Now, Operator).Events);
        var resumed = AggregateState.Fold(suspended, InsurerDecider.Resume(suspended, new ResumeInsurer("audit closed"), Now, Operator).Events);
        var merged = AggregateState.Fold(resumed, InsurerDecider.Merge(resumed, new MergeInsurer(new InsurerNumber("06139993")), Now, Operator).Events);

        Assert.Null(InsurerDecider.CanOperate(registered));
        Assert.Equal("insurer.suspended", InsurerDecider.CanOperate(suspended)?.Code);
        Assert.Null(InsurerDecider.CanOperate(resumed));
        Assert.Equal("insurer.merged", InsurerDecider.CanOperate(merged)?.Code);
        Assert.Equal("insurer.not-found", InsurerDecider.CanOperate(Insurer())?.Code);
        Assert.Equal("insurer.already-registered", InsurerDecider.Register(registered, Kyokai, new RegisterInsurer("x"), Now, Operator).Error?.Code);
        Assert.Equal("insurer.invalid-name", InsurerDecider.Register(Insurer(), Kyokai, new RegisterInsurer(" "), Now, Operator).Error?.Code);
        Assert.Equal("insurer.invalid-name", InsurerDecider.Register(Insurer(), Kyokai, new RegisterInsurer("協会\u202Eけんぽ"), Now, Operator).Error?.Code);
        Assert.Equal("insurer.invalid-name", InsurerDecider.Register(Insurer(), Kyokai, new RegisterInsurer("協会けんぽ 1234 5678 9018"), Now, Operator).Error?.Code);
        Assert.Equal("insurer.not-suspended", InsurerDecider.Resume(registered, new ResumeInsurer("x"), Now, Operator).Error?.Code);
        Assert.Equal("insurer.invalid-merge", InsurerDecider.Merge(registered, new MergeInsurer(Kyokai), Now, Operator).Error?.Code);
    }

    [Theory]
    [InlineData("1311234567", true)]
    [InlineData("4711234567", true)]
    [InlineData("4811234567", false)]
    [InlineData("0011234567", false)]
    [InlineData("131123456", false)]
    [InlineData("13112345ab", false)]
    public void Institution_codes_have_10_digits_and_a_prefecture(string code, bool valid) =>
        Assert.Equal(valid, InstitutionCodes.IsInstitutionCode(code));

    [Fact]
    public void Terminals_are_registered_with_a_public_key_and_retired()
    {
        var state = AggregateState.Fold(InstitutionState.Initial,
            InstitutionDecider.Register(InstitutionState.Initial, "1311234567", new RegisterInstitution("みどり薬局", InstitutionKind.Pharmacy, "13", true), Now, Operator).Events);

        var terminal = InstitutionDecider.RegisterTerminal(state, new RegisterTerminal("desk-1", Key), Now, Operator);
        var withTerminal = AggregateState.Fold(state, terminal.Events);
        var badKey = InstitutionDecider.RegisterTerminal(state, new RegisterTerminal("desk-2", "not-a-key"), Now, Operator);
        var taken = InstitutionDecider.RegisterTerminal(withTerminal, new RegisterTerminal("desk-1", OtherKey), Now, Operator);
        var retired = AggregateState.Fold(withTerminal, InstitutionDecider.RetireTerminal(withTerminal, new RetireTerminal("desk-1"), Now, Operator).Events);

        Assert.NotNull(withTerminal.ActiveTerminal("desk-1"));
        Assert.Equal("institution.invalid-public-key", badKey.Error?.Code);
        Assert.Equal("terminal.already-registered", taken.Error?.Code);
        Assert.Null(retired.ActiveTerminal("desk-1"));
        Assert.Equal("institution.invalid-prefecture",
            InstitutionDecider.Register(InstitutionState.Initial, "1311234567", new RegisterInstitution("x", InstitutionKind.Clinic, "99", true), Now, Operator).Error?.Code);
    }

    [Theory]
    [MemberData(nameof(HostileText.Refused), MemberType = typeof(HostileText))]
    public void An_insurers_reasons_and_an_institutions_name_are_display_texts(string text)
    {
        var registered = Insurer(new InsurerRegistered(Kyokai, "協会けんぽ東京", Now, Operator));
        var refused = InsurerDecider.Suspend(registered, new SuspendInsurer(text), Now, Operator);
        Assert.Equal("insurer.invalid-reason", refused.Error?.Code);
        Assert.Empty(refused.Events);
        Assert.Equal("institution.invalid-name",
            InstitutionDecider.Register(InstitutionState.Initial, "1311234567", new RegisterInstitution(text, InstitutionKind.Pharmacy, "13", true), Now, Operator).Error?.Code);
    }
}
