// What the slices' endpoints share: the minimal-API results and attributes, the caller's identity and the mediator.
global using System.Security.Claims;
global using Feed.SharedKernel.Auth;
global using Feed.SharedKernel.Http;
global using Feed.SharedKernel.OpenApi;
global using Mediator;
global using Microsoft.AspNetCore.Authorization;
global using Microsoft.AspNetCore.Http;
global using Microsoft.AspNetCore.Http.HttpResults;
global using Microsoft.AspNetCore.Mvc;
global using Microsoft.AspNetCore.RateLimiting;
global using Microsoft.AspNetCore.Routing;
