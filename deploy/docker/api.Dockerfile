# API image. Build from the repository root:  docker build -f deploy/docker/api.Dockerfile -t myna-api .
# Multi-stage: SDK to restore and publish, chiseled ASP.NET runtime (non-root user 1654, no shell).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY grain-interfaces/Myna.GrainInterfaces/Myna.GrainInterfaces.csproj grain-interfaces/Myna.GrainInterfaces/
COPY grains/Myna.Domain/Myna.Domain.csproj grains/Myna.Domain/
COPY silo/Myna.Observability/Myna.Observability.csproj silo/Myna.Observability/
COPY api/Myna.Api/Myna.Api.csproj api/Myna.Api/
RUN dotnet restore api/Myna.Api/Myna.Api.csproj
COPY grain-interfaces/ grain-interfaces/
COPY grains/Myna.Domain/ grains/Myna.Domain/
COPY silo/Myna.Observability/ silo/Myna.Observability/
COPY api/ api/
RUN dotnet publish api/Myna.Api/Myna.Api.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra AS runtime
WORKDIR /app
COPY --from=build /app ./
USER 1654
ENV ASPNETCORE_URLS=http://+:8080 \
    Cluster__Clustering=AzureTable
EXPOSE 8080
ENTRYPOINT ["dotnet", "Myna.Api.dll"]
