using Microsoft.AspNetCore.Http.HttpResults;
using Myna.Api.Errors;
using Myna.GrainInterfaces.Common;
using Myna.GrainInterfaces.Portal;

namespace Myna.Api.Commands;

/// <summary>
/// Insiders are accountable (invariant 22): a read of a person's data by municipality staff, the call centre or an
/// auditor is recorded on that person's access ledger before the answer leaves, and the resident sees it in the
/// portal's access log (kind <c>staff</c>). A read that cannot be recorded is not answered.
/// </summary>
public static class StaffReads
{
    public static async Task<ProblemHttpResult?> RecordAsync(HttpContext http, IClusterClient grains, PersonId person, string what, string purpose)
    {
        var context = http.CommandContext();
        var recorded = await grains.GetLedger(person).RecordStaffRead(context, new RecordStaffRead(what, purpose));
        return recorded.IsSuccess ? null : recorded.Error!.ToProblem();
    }
}
