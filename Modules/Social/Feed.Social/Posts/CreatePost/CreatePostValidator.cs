using Feed.SharedKernel.Validation;
using FluentValidation;

namespace Feed.Social.Posts.CreatePost;

internal sealed class CreatePostValidator : AbstractValidator<CreatePost>
{
    public const int MaxPostUrlLength = 2048;

    public CreatePostValidator()
    {
        RuleFor(command => command.PostUrl)
            .Cascade(CascadeMode.Stop)
            .PlainText("post_url")
            .NotEmpty().WithMessage("'post_url' is required.")
            .MaximumLength(MaxPostUrlLength).WithMessage($"'post_url' must be at most {MaxPostUrlLength} characters.")
            .Must(BeAbsoluteWebUrl).WithMessage("'post_url' must be an absolute http or https URL.");

        RuleFor(command => command.PostType)
            .Cascade(CascadeMode.Stop)
            .PlainText("post_type")
            .NotEmpty().WithMessage("'post_type' is required.")
            .Must(PostTypes.IsKnown).WithMessage($"'post_type' must be one of: {string.Join(", ", PostTypes.All)}.");
    }

    // Uri.TryCreate alone accepts "/a/b" (a file URI on Unix) and trims spaces the stored value would keep.
    private static bool BeAbsoluteWebUrl(string? value) =>
        value is not null
        && value.Trim().Length == value.Length
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0;
}
