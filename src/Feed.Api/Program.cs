using Feed.Api;
using Feed.Api.OpenApi;
using Feed.SharedKernel.Http;
using Feed.Social;
using Feed.Timeline;
using Feed.Users;

var builder = WebApplication.CreateBuilder(args);

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
app.UseFeedRequestLimits();
app.UseAuthentication();
app.UseAuthorization();
app.UseFeedRateLimits();

app.MapFeedOpenApi();
app.MapFeedOperations();

app.MapUsersEndpoints();
app.MapSocialEndpoints();
app.MapTimelineEndpoints();

await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
