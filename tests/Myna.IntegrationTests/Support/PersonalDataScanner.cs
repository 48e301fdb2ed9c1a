using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Npgsql;

namespace Myna.IntegrationTests.Support;

/// <summary>
/// Looks for given personal values everywhere the system stores anything: every PostgreSQL table of the schema
/// (events and documents, every column as text), every Azure table (every property) and every blob (the snapshots'
/// binary form included). Each value is looked for as UTF-8 text, as JSON <c>\u</c> escapes, and inside every
/// base64 or base64url token found (decoded).
/// </summary>
public static partial class PersonalDataScanner
{
    public sealed record Hit(string Where, string Value);

    [GeneratedRegex("[A-Za-z0-9+/_-]{16,}={0,2}")]
    private static partial Regex Base64Token();

    public static async Task<List<Hit>> ScanAsync(IReadOnlyCollection<string> values)
    {
        var needles = values.Where(v => !string.IsNullOrEmpty(v)).Distinct().ToList();
        var hits = new List<Hit>();
        await ScanPostgresAsync(needles, hits);
        await ScanTablesAsync(needles, hits);
        await ScanBlobsAsync(needles, hits);
        return hits;
    }

    private static async Task ScanPostgresAsync(List<string> needles, List<Hit> hits)
    {
        await using var connection = new NpgsqlConnection(TestInfrastructure.Postgres);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = @s and table_type = 'BASE TABLE'", connection))
        {
            list.Parameters.AddWithValue("s", TestInfrastructure.Schema);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        foreach (var table in tables)
        {
            await using var rows = new NpgsqlCommand($"select t::text from {TestInfrastructure.Schema}.\"{table}\" t", connection) { CommandTimeout = 600 };
            try
            {
                await using var reader = await rows.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    Look(reader.GetString(0), $"postgres {table}", needles, hits);
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // Dropped by another test since it was listed: it holds nothing any more.
            }
        }
    }

    private static async Task ScanTablesAsync(List<string> needles, List<Hit> hits)
    {
        var service = new TableServiceClient(TestInfrastructure.AzureStorage);
        await foreach (var table in service.QueryAsync())
        {
            await foreach (var entity in Gone404(service.GetTableClient(table.Name).QueryAsync<TableEntity>()))
            {
                foreach (var (key, value) in entity)
                {
                    var where = $"azure table {table.Name} {entity.PartitionKey}/{entity.RowKey} {key}";
                    switch (value)
                    {
                        case byte[] bytes:
                            LookInBytes(bytes, where, needles, hits);
                            break;
                        case BinaryData data:
                            LookInBytes(data.ToArray(), where, needles, hits);
                            break;
                        default:
                            Look(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, where, needles, hits);
                            break;
                    }
                }
                Look(entity.PartitionKey + " " + entity.RowKey, $"azure table {table.Name} keys", needles, hits);
            }
        }
    }

    private static async Task ScanBlobsAsync(List<string> needles, List<Hit> hits)
    {
        var service = new BlobServiceClient(TestInfrastructure.AzureStorage);
        await foreach (var container in service.GetBlobContainersAsync())
        {
            var client = service.GetBlobContainerClient(container.Name);
            await foreach (var blob in Gone404(client.GetBlobsAsync()))
            {
                var where = $"blob {container.Name}/{blob.Name}";
                Look(blob.Name, where + " (name)", needles, hits);
                byte[] content;
                try
                {
                    content = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    continue; // deleted since it was listed
                }
                LookInBytes(content, where, needles, hits);
            }
        }
    }

    /// <summary>
    /// The items of a table or container that other test collections may delete while it is read (a listing that
    /// meets 404 ends there: what is gone holds nothing to find). Found by a run where a container vanished between
    /// the account's listing and its own.
    /// </summary>
    private static async IAsyncEnumerable<T> Gone404<T>(IAsyncEnumerable<T> items)
    {
        await using var e = items.GetAsyncEnumerator();
        while (true)
        {
            bool more;
            try
            {
                more = await e.MoveNextAsync();
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                yield break;
            }
            if (!more)
            {
                yield break;
            }
            yield return e.Current;
        }
    }

    private static void LookInBytes(byte[] bytes, string where, List<string> needles, List<Hit> hits)
    {
        foreach (var needle in needles)
        {
            var utf8 = Encoding.UTF8.GetBytes(needle);
            var utf16 = Encoding.Unicode.GetBytes(needle);
            if (bytes.AsSpan().IndexOf(utf8) >= 0 || bytes.AsSpan().IndexOf(utf16) >= 0)
            {
                hits.Add(new Hit(where + " (bytes)", needle));
            }
        }
        Look(Encoding.UTF8.GetString(bytes), where, needles, hits);
    }

    private static void Look(string text, string where, List<string> needles, List<Hit> hits)
    {
        foreach (var needle in needles)
        {
            if (text.Contains(needle, StringComparison.Ordinal)
                || text.Contains(JsonEscaped(needle, upper: false), StringComparison.Ordinal)
                || text.Contains(JsonEscaped(needle, upper: true), StringComparison.Ordinal))
            {
                hits.Add(new Hit(where, needle));
            }
        }
        foreach (Match token in Base64Token().Matches(text))
        {
            if (Decode(token.Value) is not { } decoded)
            {
                continue;
            }
            foreach (var needle in needles)
            {
                if (decoded.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0)
                {
                    hits.Add(new Hit(where + " (base64)", needle));
                }
            }
        }
    }

    private static string JsonEscaped(string value, bool upper)
    {
        var builder = new StringBuilder();
        foreach (var c in value)
        {
            builder.Append(c < 128 ? c.ToString() : "\\u" + ((int)c).ToString(upper ? "X4" : "x4", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    private static byte[]? Decode(string token)
    {
        var s = token.TrimEnd('=').Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
