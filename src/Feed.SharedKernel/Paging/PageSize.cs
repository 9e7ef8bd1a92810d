namespace Feed.SharedKernel.Paging;

/// <summary>The one page-size rule of the public API: default 20, allowed 1..100.</summary>
public static class PageSize
{
    public const int Default = 20;
    public const int Min = 1;
    public const int Max = 100;

    public static int Resolve(int? limit) => limit ?? Default;
}
