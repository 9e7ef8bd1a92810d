using System.Reflection;
using System.Runtime.ExceptionServices;
using StackExchange.Redis;

namespace Feed.Timeline.Tests.Support;

/// <summary>
/// Runs a test's step just before a given script reaches Redis, once: for races inside one cache call
/// (between a read's batch and the script it sends behind it), with no hook in the cache itself. The
/// cache is given <see cref="Wrap"/>'s connection; everything but the awaited script goes to the real
/// connection unchanged, and that script is sent, on its own, once the step is done.
/// </summary>
internal sealed class ScriptHook
{
    private (string Script, Func<Task> Step)? _armed;

    public IConnectionMultiplexer Wrap(IConnectionMultiplexer redis) => Forwarder.Create<IConnectionMultiplexer>(redis, this, null);

    /// <summary>Runs <paramref name="step"/> before the next evaluation of <paramref name="script"/> (the step's own calls pass through).</summary>
    public void Before(string script, Func<Task> step) => _armed = (script, step);

    private Func<Task>? Take(string script)
    {
        if (_armed is not { } armed || armed.Script != script)
        {
            return null;
        }

        _armed = null;
        return armed.Step;
    }

    /// <summary>Forwards every call to its target; wraps the databases and batches it hands out, and holds the armed script.</summary>
#pragma warning disable CA1852 // DispatchProxy derives its proxy type from this class: it must not be sealed.
    internal class Forwarder : DispatchProxy
#pragma warning restore CA1852
    {
        private object _target = null!;
        private ScriptHook _hook = null!;
        private IDatabase? _database;

        public static T Create<T>(object target, ScriptHook hook, IDatabase? database)
            where T : class
        {
            var proxy = Create<T, Forwarder>();
            var forwarder = (Forwarder)(object)proxy;
            (forwarder._target, forwarder._hook, forwarder._database) = (target, hook, database);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IDatabaseAsync.ScriptEvaluateAsync)
                && args is [string script, RedisKey[] keys, RedisValue[] values, CommandFlags flags]
                && _hook.Take(script) is { } step)
            {
                // Sent through the database, not the batch it was added to: the batch may go before the step ends.
                var database = _database ?? (IDatabase)_target;
                return StepThenAsync(step, () => database.ScriptEvaluateAsync(script, keys, values, flags));
            }

            object? result;
            try
            {
                result = targetMethod.Invoke(_target, args);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is { } inner)
            {
                ExceptionDispatchInfo.Throw(inner);
                throw;
            }

            return result switch
            {
                IBatch batch when targetMethod.Name == nameof(IDatabase.CreateBatch) => Create<IBatch>(batch, _hook, (IDatabase)_target),
                IDatabase database when targetMethod.Name == nameof(IConnectionMultiplexer.GetDatabase) => Create<IDatabase>(database, _hook, null),
                _ => result,
            };
        }

        private static async Task<RedisResult> StepThenAsync(Func<Task> step, Func<Task<RedisResult>> send)
        {
            await step();
            return await send();
        }
    }
}
