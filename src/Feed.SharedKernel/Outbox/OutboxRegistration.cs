using Feed.SharedKernel.Storage;
using Marten;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Feed.SharedKernel.Outbox;

/// <summary>A notification type allowed through the outbox, with its stable name.</summary>
public sealed record OutboxMessageRegistration(Type Type, string Name);

public static class OutboxRegistration
{
    /// <summary>The outbox of the chosen storage and the dispatcher that delivers it.</summary>
    public static IServiceCollection AddFeedOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<OutboxSignal>();
        services.AddOptions<OutboxOptions>()
            .Bind(configuration.GetSection(OutboxOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(provider =>
        {
            var types = new OutboxMessageTypes();
            foreach (var registration in provider.GetServices<OutboxMessageRegistration>())
            {
                types.Register(registration.Type, registration.Name);
            }

            return types;
        });

        if (configuration.UsesPostgres())
        {
            services.ConfigureMarten(options => options.Storage.ExtendedSchemaObjects.Add(PostgresOutbox.Table()));
            services.TryAddSingleton<IOutboxStore, PostgresOutbox>();
        }
        else
        {
            services.TryAddSingleton<InMemoryOutbox>();
            services.TryAddSingleton<IOutboxStore>(provider => provider.GetRequiredService<InMemoryOutbox>());
        }

        services.TryAddSingleton<OutboxDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxDispatcher>());
        services.AddMetrics();
        services.TryAddSingleton<OutboxGauges>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxGauges>());
        return services;
    }

    /// <summary>Lets <typeparamref name="TNotification"/> travel through the outbox under <paramref name="name"/>.</summary>
    public static IServiceCollection AddOutboxMessage<TNotification>(this IServiceCollection services, string name)
        where TNotification : INotification =>
        services.AddSingleton(new OutboxMessageRegistration(typeof(TNotification), name));
}
