# Silo image. Build from the repository root:  docker build -f deploy/docker/silo.Dockerfile -t myna-silo .
# Multi-stage: the SDK image restores and publishes; the runtime is the chiseled ASP.NET image (no shell,
# no package manager, non-root user 1654). The "-extra" flavour carries ICU and time zones (the build does
# not use invariant globalization).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY grain-interfaces/Myna.GrainInterfaces/Myna.GrainInterfaces.csproj grain-interfaces/Myna.GrainInterfaces/
COPY grains/Myna.Domain/Myna.Domain.csproj grains/Myna.Domain/
COPY grains/Myna.EventStore/Myna.EventStore.csproj grains/Myna.EventStore/
COPY grains/Myna.Grains/Myna.Grains.csproj grains/Myna.Grains/
COPY silo/Myna.Observability/Myna.Observability.csproj silo/Myna.Observability/
COPY silo/Myna.Silo/Myna.Silo.csproj silo/Myna.Silo/
RUN dotnet restore silo/Myna.Silo/Myna.Silo.csproj
COPY grain-interfaces/ grain-interfaces/
COPY grains/ grains/
COPY silo/ silo/
RUN dotnet publish silo/Myna.Silo/Myna.Silo.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra AS runtime
WORKDIR /app
COPY --from=build /app ./
USER 1654
# 8080: /health, /alive, /metrics, /dashboard; 11111: silo-to-silo; 30000: gateway for the API.
ENV ASPNETCORE_URLS=http://+:8080 \
    Cluster__Clustering=AzureTable \
    Cluster__SiloPort=11111 \
    Cluster__GatewayPort=30000
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "Myna.Silo.dll"]
