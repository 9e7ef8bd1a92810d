using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Feed.Demo;

/// <summary>
/// Pictures for demo posts, drawn as SVG by the API itself: they render offline and from the page's
/// own origin (its Content-Security-Policy allows no other). <c>/demo/images/{n}.svg</c>, any n.
/// </summary>
public static class DemoImages
{
    public const string PathPrefix = "/demo/images/";

    private static readonly string[] Skies = ["#ff8787", "#ffa94d", "#ffd43b", "#69db7c", "#4dabf7", "#9775fa", "#f783ac", "#38d9a9"];
    private static readonly string[] Grounds = ["#2b8a3e", "#1864ab", "#5f3dc4", "#a61e4d", "#d9480f", "#087f5b", "#364fc7", "#862e9c"];

    public static string PathFor(int number) => PathPrefix + number.ToString(CultureInfo.InvariantCulture) + ".svg";

    public static IEndpointRouteBuilder MapDemoImages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(PathPrefix + "{number:int:min(0)}.svg", (int number, HttpResponse response) =>
            {
                response.Headers.CacheControl = "public, max-age=86400";
                return Results.Text(Draw(number), "image/svg+xml");
            })
            .ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>A landscape: a sky, a sun and two hills, placed and coloured by the number.</summary>
    public static string Draw(int number)
    {
        var sky = Skies[number % Skies.Length];
        var ground = Grounds[(number / Skies.Length) % Grounds.Length];
        var sunX = 60 + (number * 37 % 280);
        var sunY = 50 + (number * 13 % 70);
        var hill = 170 + (number * 7 % 50);
        return string.Create(CultureInfo.InvariantCulture, $"""
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" width="400" height="300">
              <rect width="400" height="300" fill="{sky}"/>
              <circle cx="{sunX}" cy="{sunY}" r="32" fill="#fff3bf" opacity="0.9"/>
              <path d="M0 {hill} Q 110 {hill - 70} 220 {hill} T 400 {hill - 20} V 300 H 0 Z" fill="{ground}" opacity="0.85"/>
              <path d="M0 {hill + 40} Q 160 {hill - 10} 400 {hill + 50} V 300 H 0 Z" fill="{ground}"/>
              <text x="20" y="285" font-family="sans-serif" font-size="18" fill="#ffffff" opacity="0.8">#{number}</text>
            </svg>
            """);
    }
}
