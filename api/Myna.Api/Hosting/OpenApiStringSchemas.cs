using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Myna.Api.Hosting;

/// <summary>
/// Text is read through <see cref="Errors.ControlCharacterRejectingStringConverter"/>, and a custom converter leaves
/// the generated schema empty (<c>{}</c>): a generated client would then type every name, code and serial as
/// <c>unknown</c>. This puts <c>type: string</c> back, with <c>null</c> where the property is declared nullable,
/// and string values on string-keyed maps.
/// </summary>
public static class OpenApiStringSchemas
{
    public static OpenApiOptions AddStringSchemas(this OpenApiOptions options) =>
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo is { Kind: System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Dictionary } map
                && map.ElementType == typeof(string) && schema.AdditionalProperties is null)
            {
                schema.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String };
                return Task.CompletedTask;
            }
            if (context.JsonTypeInfo.Type != typeof(string) || schema.Type is not null || schema.OneOf is { Count: > 0 })
            {
                return Task.CompletedTask;
            }
            schema.Type = IsNullable(context.JsonPropertyInfo?.AttributeProvider)
                ? JsonSchemaType.String | JsonSchemaType.Null
                : JsonSchemaType.String;
            return Task.CompletedTask;
        });

    private static bool IsNullable(ICustomAttributeProvider? member) => member switch
    {
        PropertyInfo property => new NullabilityInfoContext().Create(property).ReadState != NullabilityState.NotNull,
        ParameterInfo parameter => new NullabilityInfoContext().Create(parameter).ReadState != NullabilityState.NotNull,
        FieldInfo field => new NullabilityInfoContext().Create(field).ReadState != NullabilityState.NotNull,
        _ => false,
    };
}
