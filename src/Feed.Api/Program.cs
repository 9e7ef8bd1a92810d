using Feed.Api;
using Feed.Api.Demo;
using Feed.Api.OpenApi;
using Feed.Demo;
using Feed.SharedKernel.Http;
using Feed.Social;
using Feed.Timeline;
using Feed.Users;

var builder = WebApplication.CreateBuilder(args);

// `seed`: start the host (it creates the schema), fill the store, stop; on a port of its own, beside a running API.
var seeding = DemoSeed.IsSeedCommand(args);
if (seeding)
{
    builder.WebHost.UseUrls("http://127.0.0.1:0");
}

builder.AddFeedDemo();
builder.Services.AddFeedPlatform(builder.Configuration);
builder.Services.AddFeedOperations(builder.Configuration);
builder.Services
    .AddUsers(builder.Configuration)
    .AddSocial(builder.Configuration)
    .AddTimeline(builder.Configuration);

var app = builder.Build();

app.UseHttpLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseFeedWebClient();
app.UseFeedRequestLimits();
app.UseFeedRequestCharset();
app.UseAuthentication();
app.UseAuthorization();
app.UseFeedRateLimits();

app.MapFeedOpenApi();
app.MapFeedOperations();

app.MapUsersEndpoints();
app.MapSocialEndpoints();
app.MapTimelineEndpoints();
app.MapDemoImages();

if (seeding)
{
    await app.StartAsync();
    var exitCode = await DemoSeed.RunAsync(app.Configuration, args, app.WhenSchemaReadyAsync, Console.Out, app.Lifetime.ApplicationStopping);
    await app.StopAsync();
    return exitCode;
}

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
