using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Myna.Api.Errors;

/// <summary>
/// The one place a problem's <c>title</c> and <c>detail</c> follow <c>Accept-Language</c> (ja or en, q-values honoured,
/// English by default): on the resident-facing routes, and for the generic problems on any route. The <c>code</c> never
/// changes; the answer says its language in <c>Content-Language</c>. The catalogue holds fixed sentences only: no
/// message ever carries an Individual Number or anything else from the request.
/// </summary>
public static class ProblemLanguages
{
    public const string English = "en";
    public const string Japanese = "ja";

    /// <summary>Routes a resident meets: the portal, the logged-in resident, a principal's record, the card login.</summary>
    public static readonly string[] ResidentPrefixes = ["/v1/portal/", "/v1/me/", "/v1/residents/", "/v1/auth/"];

    /// <summary>Problems the framework or the API itself answers on any route.</summary>
    public static readonly IReadOnlySet<string> Generic = new HashSet<string>(StringComparer.Ordinal)
    {
        "request.invalid", "request.malformed", "request.too-large", "request.unsupported-media-type", "idempotency-key.invalid",
        "auth.unauthenticated", "auth.forbidden", "route.not-found", "route.method-not-allowed", "rate-limit.exceeded",
        "service.unavailable", "store.unavailable", "internal.error",
    };

    private static readonly Dictionary<int, string> JapaneseTitles = new()
    {
        [400] = "リクエストが正しくありません。",
        [401] = "認証が必要です。",
        [403] = "この操作は許可されていません。",
        [404] = "見つかりません。",
        [405] = "このメソッドは使えません。",
        [409] = "現在の状態と競合しています。",
        [413] = "リクエストが大きすぎます。",
        [415] = "この形式は受け付けられません。",
        [422] = "業務上の決まりによりお受けできません。",
        [429] = "リクエストが多すぎます。",
        [503] = "一時的に利用できません。同じ Idempotency-Key で再試行してください。",
    };

    /// <summary>The English detail of the generic problems the framework writes without one (401, 403, 404, 405…).</summary>
    private static readonly Dictionary<string, string> EnglishDetails = new(StringComparer.Ordinal)
    {
        ["request.invalid"] = "Some fields are missing or malformed.",
        ["request.unsupported-media-type"] = "This media type is not accepted; send JSON.",
        ["auth.unauthenticated"] = "A valid bearer token is required; log in.",
        ["auth.forbidden"] = "This token may not do this.",
        ["route.not-found"] = "No API answers at this URL.",
        ["route.method-not-allowed"] = "This URL does not answer this method.",
        ["internal.error"] = "An unexpected error occurred.",
    };

    /// <summary>The Japanese detail of each code a resident can meet (the English detail is the one the code was raised with).</summary>
    public static readonly IReadOnlyDictionary<string, string> JapaneseDetails = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["request.invalid"] = "入力項目に不足または誤りがあります。",
        ["request.malformed"] = "リクエストの本文またはパラメーターを読み取れませんでした。",
        ["request.too-large"] = "リクエストの本文が大きすぎます。",
        ["request.unsupported-media-type"] = "この形式のリクエストは受け付けられません。JSON で送ってください。",
        ["idempotency-key.invalid"] = "Idempotency-Key の形式が正しくありません。",
        ["idempotency.key-reused"] = "この Idempotency-Key は別のリクエストに使われています。",
        ["auth.unauthenticated"] = "有効なアクセストークンが必要です。ログインしてください。",
        ["auth.forbidden"] = "このトークンではこの操作を行えません。",
        ["route.not-found"] = "この URL の API はありません。",
        ["route.method-not-allowed"] = "この URL ではこのメソッドを使えません。",
        ["rate-limit.exceeded"] = "リクエストが多すぎます。Retry-After の秒数が過ぎてから再試行してください。",
        ["service.unavailable"] = "処理の結果が分かりません。同じ Idempotency-Key で再試行してください。",
        ["store.unavailable"] = "データストアが一時的に利用できず、処理の結果が分かりません。同じ Idempotency-Key で再試行してください。",
        ["internal.error"] = "予期しないエラーが発生しました。",
        ["person.invalid-id"] = "個人 ID は UUID で指定してください。",
        ["card.invalid-id"] = "カード ID は UUID で指定してください。",
        ["person.not-found"] = "該当する住民の記録はありません。",
        ["person.record-closed"] = "住民の記録は閉じられています。",
        ["person.invalid-destination"] = "転出先の市区町村が正しくありません。",
        ["person.invalid-planned-move-on"] = "転出予定日が正しくありません。",
        ["proxy.right-missing"] = "代理人にこの操作の権限がありません。",
        ["portal.self-only"] = "この操作は本人だけが行えます。",
        ["individual-number.not-assigned"] = "個人番号はまだ指定されていません。",
        ["portal.invalid-items"] = "項目を 1 つ以上、重複なく指定してください。",
        ["portal.invalid-valid-until"] = "同意の有効期限は、未来の 1 年以内の日時で指定してください。",
        ["portal.invalid-rights"] = "権限（閲覧、カード紛失の届出、同意の管理）を 1 つ以上、重複なく指定してください。",
        ["app.not-found"] = "この ID で登録されたアプリはありません。",
        ["consent.item-not-allowed"] = "アプリが登録されていない項目には同意できません。",
        ["consent.already-granted"] = "この ID の同意は既にあります。",
        ["consent.not-found"] = "この ID の同意はありません。",
        ["proxy.self"] = "本人を代理人にすることはできません。",
        ["proxy.person-not-found"] = "代理人には、記録が有効な住民を指定してください。",
        ["proxy.not-found"] = "この人はあなたの代理人ではありません。",
        ["card.not-found"] = "カードが見つかりません。",
        ["access.not-the-holder"] = "このカードの持ち主ではありません。",
        ["card.invalid-transition"] = "カードの今の状態ではこの操作はできません。",
        ["card.already-suspended"] = "カードは既に一時停止されています。",
        ["card.face-authentication-clinic-only"] = "顔認証マイナンバーカードの健康保険証利用登録は、医療機関の端末でのみできます。",
        ["card.not-active"] = "カードが有効ではありません。",
        ["card.suspended"] = "カードは一時停止されています。",
        ["card.lapsed"] = "カードは失効しています。",
        ["card.expired"] = "カードの有効期限が切れています。",
        ["card.invalid-channel"] = "オンライン申請はスマートフォンかパソコンからできます。",
        ["card.invalid-date-of-birth"] = "生年月日が正しくありません。",
        ["card.already-applied"] = "カードは既に申請されています。",
        ["insurance.qualification-not-found"] = "該当する健康保険の資格はありません。",
        ["insurer.not-found"] = "保険者が見つかりません。",
        ["insurer.suspended"] = "保険者は停止中です。",
        ["challenge.invalid-purpose"] = "チャレンジの用途が正しくありません。",
        ["challenge.invalid-audience"] = "チャレンジの利用先が正しくありません。",
        ["challenge.purpose-not-allowed"] = "この用途と利用先のチャレンジはここでは発行できません。",
        ["auth.challenge-invalid"] = "チャレンジが正しくないか、期限切れか、使用済みです。新しいチャレンジを取得してください。",
        ["auth.challenge-wrong-purpose"] = "このチャレンジは別の用途のために発行されたものです。",
        ["auth.signature-invalid"] = "カードの署名を確認できませんでした。",
        ["auth.certificate-revoked"] = "電子証明書は失効しています。",
        ["auth.certificate-unknown"] = "この電子証明書は登録されていません。",
        ["portal.face-authentication-card"] = "顔認証マイナンバーカードには暗証番号がないため、ポータルにログインできません。代理人か窓口をご利用ください。",
        ["portal.session-exists"] = "このセッションは既に開始されています。",
        ["portal.session-invalid"] = "リフレッシュトークンが無効です。カードでもう一度ログインしてください。",
        ["portal.session-expired"] = "セッションの有効期限が切れました。カードでもう一度ログインしてください。",
        ["portal.refresh-token-reused"] = "リフレッシュトークンが二度使われたため、セッションを終了しました。カードでもう一度ログインしてください。",
        ["portal.session-not-found"] = "セッションが見つかりません。",
        ["portal.no-session"] = "このトークンはポータルのセッションのものではありません。",
        ["certificate.expired"] = "電子証明書の有効期限が切れています。",
        ["certificate.revoked"] = "電子証明書は失効しています。",
        ["certificate.unknown"] = "ログインに使った電子証明書が登録されていません。",
    };

    /// <summary>Localises the problem when the route is resident-facing or the problem is a generic one.</summary>
    public static void Localise(HttpContext http, ProblemDetails problem)
    {
        if (problem.Extensions.TryGetValue(ApiProblems.CodeExtension, out var value) is false || value is not string code)
        {
            return;
        }
        var path = http.Request.Path.Value ?? string.Empty;
        var resident = path is "/v1/me" || ResidentPrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal));
        if (!resident && !Generic.Contains(code))
        {
            return;
        }
        var language = Choose(http.Request);
        http.Response.Headers.ContentLanguage = language;
        http.Response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptLanguage);
        if (language != Japanese)
        {
            problem.Detail ??= EnglishDetails.GetValueOrDefault(code);
            return;
        }
        var status = problem.Status ?? http.Response.StatusCode;
        problem.Title = JapaneseTitles.GetValueOrDefault(status, "エラーが発生しました。");
        if (JapaneseDetails.TryGetValue(code, out var detail))
        {
            problem.Detail = detail;
        }
    }

    /// <summary>ja or en from Accept-Language, by quality (q=0 refuses a language); en when neither is acceptable.</summary>
    public static string Choose(HttpRequest request)
    {
        IList<StringWithQualityHeaderValue> ranges;
        try
        {
            ranges = request.GetTypedHeaders().AcceptLanguage;
        }
        catch (FormatException)
        {
            return English;
        }
        foreach (var range in ranges.Where(r => (r.Quality ?? 1) > 0).OrderByDescending(r => r.Quality ?? 1))
        {
            var tag = range.Value.Value ?? string.Empty;
            if (tag.Equals(Japanese, StringComparison.OrdinalIgnoreCase) || tag.StartsWith("ja-", StringComparison.OrdinalIgnoreCase))
            {
                return Japanese;
            }
            if (tag.Equals(English, StringComparison.OrdinalIgnoreCase) || tag.StartsWith("en-", StringComparison.OrdinalIgnoreCase) || tag == "*")
            {
                return English;
            }
        }
        return English;
    }
}
